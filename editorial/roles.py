"""The newsroom's roles. Each is a Django group of that name, created by the
migration `editorial/migrations/0002_roles.py`; what each may do is decided in
`editorial.workflow.RULES`.
"""

CONTRIBUTOR = "Contributor"
REVIEWER = "Reviewer"
EDITOR = "Editor-in-chief"
ADMINISTRATOR = "Administrator"
ROLES = (CONTRIBUTOR, REVIEWER, EDITOR, ADMINISTRATOR)
