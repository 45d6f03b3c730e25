"""The newsroom: how contributors, reviewers and the editor-in-chief make an
issue. It may import `newsletter`; `newsletter` never imports it.

- `permissions/`: the roles and the permission matrix (`can`, `require`).
- `workflow`: item transitions, draft to approved, the edit rule, authorship.
- `figures`: who may change a figure's alt text and caption, logged.
- `review`: comments, mentions, assignments.
- `release/`: the publish checklist, assembly, schedule/publish/withdraw,
  preview links and the release desk.
- `revisions/`: history, diffs, revert and edit conflicts.
- `accounts/`: invitations, profiles, deactivation, roles, lockout, two-factor.
- `audit`, `notifications`, `errors`, `locks`: the audit log, emails, the
  refusals every service raises, and the row locks writes take.
- `admin/`: the admin editors use, one module per area; `site`: its two-factor
  admin site; `backup/`: the whole site into one archive and back.
"""
