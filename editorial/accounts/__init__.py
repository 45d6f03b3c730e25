"""Accounts: invitations (`invitations`), contributor profiles and public
credits (`profiles`), deactivation and role changes (`membership`), login
lockout (`lockout`), two-factor login (`two_factor`), password reset
(`password_reset`), contributor pages in the sitemap (`sitemaps`), and the
invitation page's forms and views.
"""
