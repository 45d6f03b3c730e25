"""Who may do what: the roles (`roles.Role`) and the permission matrix
(`rules.RULES`, asked through `rules.can` and enforced by `rules.require`).

The admin asks the matrix for every page and button, and every service calls
`require` itself, so hiding a button is never the only guard.
"""
