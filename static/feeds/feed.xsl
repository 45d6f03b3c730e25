<?xml version="1.0" encoding="utf-8"?>
<!--
  How a browser shows Digest's Atom and RSS feeds: a page that says what a feed
  is, gives its address to copy, and lists the entries. Served from the site's
  own static files, so the Content-Security-Policy's script-src 'self' allows
  it; the page it makes has no inline style or script, and takes its look from
  the site's stylesheet (STATIC_URL is /static/; tests/newsletter/test_feeds.py
  checks that this path still finds it).
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="/atom:feed/atom:title | /rss/channel/title"/>
  <xsl:variable name="subtitle" select="/atom:feed/atom:subtitle | /rss/channel/description"/>
  <xsl:variable name="site" select="/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link"/>
  <xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href | /rss/channel/atom:link[@rel='self']/@href"/>

  <xsl:template match="/">
    <html lang="zh-Hans">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> · 订阅源</title>
        <link rel="stylesheet" href="/static/css/digest.css"/>
      </head>
      <body>
        <header class="masthead">
          <div class="masthead__inner">
            <a class="masthead__brand" href="{$site}">
              <span class="masthead__name"><xsl:value-of select="$title"/></span>
              <span class="masthead__tagline"><xsl:value-of select="$subtitle"/></span>
            </a>
          </div>
        </header>
        <main id="main" class="page">
          <header class="page__header feed-note">
            <p class="page__kicker">订阅源 · Feed</p>
            <h1 class="page__title">这是一个订阅源</h1>
            <p class="page__lead">订阅源是给 RSS 阅读器读的。把下面的网址复制到你的阅读器(NetNewsWire、Inoreader、Feedly、Thunderbird 等)里,有新内容时就会收到。</p>
            <p class="feed-note__url"><code><xsl:value-of select="$self"/></code></p>
            <p lang="en" class="feed-note__en">This is a web feed. Copy its address into your feed reader to subscribe.</p>
          </header>
          <h2>最近的内容</h2>
          <ol class="archive">
            <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
          </ol>
          <p><a href="{$site}">← 回到网站</a></p>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="archive__issue">
      <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      <span class="archive__meta"><xsl:value-of select="substring(atom:published, 1, 10)"/></span>
      <xsl:if test="atom:summary">
        <p class="archive__lede"><xsl:value-of select="atom:summary"/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <li class="archive__issue">
      <a href="{link}"><xsl:value-of select="title"/></a>
      <span class="archive__meta"><xsl:value-of select="pubDate"/></span>
    </li>
  </xsl:template>
</xsl:stylesheet>
