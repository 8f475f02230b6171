"""Who is asking: the workspace and user every query is scoped by."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import Forbidden

DEFAULT_WORKSPACE = "default"
ROLES = ("user", "admin")


@dataclass(frozen=True)
class Scope:
    """The caller's reach.

    ``actor_id`` is the authenticated user (it owns what they create);
    ``user_id`` is whose data queries see: the actor's own, or ``None`` for
    every user of the workspace, which only an admin may ask for.
    """

    workspace_id: str
    actor_id: str
    role: str = "user"
    user_id: str | None = None

    @classmethod
    def for_user(cls, user_id: str, workspace_id: str = DEFAULT_WORKSPACE) -> Scope:
        """A plain user's scope: their own data only."""
        return cls(workspace_id=workspace_id, actor_id=user_id, user_id=user_id)

    @classmethod
    def for_admin(cls, actor_id: str, workspace_id: str = DEFAULT_WORKSPACE) -> Scope:
        """An admin's scope: every user of the workspace."""
        return cls(workspace_id=workspace_id, actor_id=actor_id, role="admin", user_id=None)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def owner_id(self) -> str:
        """Who owns what this scope creates: the user it is narrowed to, else the actor."""
        return self.user_id if self.user_id is not None else self.actor_id

    def narrowed_to(self, user_id: str) -> Scope:
        """The same caller looking at one user's data; only admins may look at others'."""
        if user_id != self.actor_id and not self.is_admin:
            raise Forbidden("Only an admin may act on another user's data")
        return replace(self, user_id=user_id)

    def query(self) -> dict:
        """The filter that confines a query on any collection to this scope."""
        clause = {"workspace_id": self.workspace_id}
        if self.user_id is not None:
            clause["user_id"] = self.user_id
        return clause
