"""Admin permissions answered by the one permission matrix (`editorial.permissions.rules`)."""

from editorial.permissions.rules import can


class RolePermissionsMixin:
    """Admin permissions answered by `editorial.permissions.rules.can`, the one matrix.

    `permission_actions` maps the admin's view / add / change / delete to
    actions of `rules.RULES`; a kind left out is allowed to nobody.
    """

    permission_actions: dict[str, str] = {}

    def _can(self, request, kind: str, obj=None) -> bool:
        action = self.permission_actions.get(kind)
        return action is not None and can(request.user, action, obj)

    def has_module_permission(self, request):
        return self._can(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._can(request, "view", obj) or self._can(request, "change", obj)

    def has_add_permission(self, request, *args):
        return self._can(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._can(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, "delete", obj)


class ItemPartInlineMixin:
    """An inline of an item (further reading, figures) is editable when the item is."""

    def has_view_permission(self, request, obj=None):
        return can(request.user, "item.view", obj)

    def has_add_permission(self, request, obj=None):
        return can(request.user, "item.change", obj)

    def has_change_permission(self, request, obj=None):
        return can(request.user, "item.change", obj)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, "item.change", obj)
