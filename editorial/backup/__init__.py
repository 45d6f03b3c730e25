"""Back up the whole site into one archive, and restore it into an empty database.

An archive is a gzip-compressed tar file (`manage.py backup PATH`) holding:

* `data.json`: every row of the site's models in Django's serialization format,
  as `dumpdata --natural-foreign` writes it. Content types and permissions are
  left out: a migrated database has its own, and rows point to them by natural
  key. Sessions and login attempts are not the site's content and are left out
  too. Datetimes keep their microseconds.
* `media/<name>`: every stored file those rows point to (figures, renditions,
  avatars, covers, logos), read through the storage API.
* `manifest.json.hmac`: the manifest's HMAC-SHA256, keyed by `BACKUP_KEY`
  (derived from `SECRET_KEY` when unset); `restore` refuses an archive whose
  signature does not match.
* `manifest.json`, the last member: format and version, when the archive was
  made, the Django version and applied migrations, the row count per model,
  the files, and the size and SHA-256 of every other member.

`site_restore` reads and checks the whole archive before it writes anything,
loads the rows in one transaction and writes the files inside it, so a failure
anywhere leaves neither rows nor files behind. The archive holds password
hashes and two-factor secrets: it is created readable by its owner only.
"""
