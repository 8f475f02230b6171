"""A branching message tree for fork tests, built through the core (hand-checked sets).

```
u1                      depth 0
├── a1                  depth 1
│   ├── u2              depth 2
│   │   ├── a2          depth 3
│   │   │   └── u4      depth 4
│   │   └── a2b         depth 3
│   └── u3              depth 2
│       └── a3          depth 3
└── a1b                 depth 1
    └── u5              depth 2
```
"""

from __future__ import annotations

from app.core import conversations, messages
from app.core.clock import ROOT_PARENT_ID

SHAPE = [  # (label, parent label, role), in append order
    ("u1", None, "user"),
    ("a1", "u1", "assistant"),
    ("u2", "a1", "user"),
    ("a2", "u2", "assistant"),
    ("a1b", "u1", "assistant"),
    ("u3", "a1", "user"),
    ("a3", "u3", "assistant"),
    ("a2b", "u2", "assistant"),
    ("u5", "a1b", "user"),
    ("u4", "a2", "user"),
]
ALL = {label for label, _, _ in SHAPE}


def build(db, scope, **create_options) -> tuple[dict, dict[str, str]]:
    """A conversation holding the tree; returns it and ``{label: message id}``."""
    conversation = conversations.create(db, scope, **create_options)
    ids: dict[str, str] = {}
    for label, parent, role in SHAPE:
        new = messages.NewMessage(
            role=role, text=label, parent_message_id=ids[parent] if parent else ROOT_PARENT_ID
        )
        ids[label] = messages.append(db, scope, conversation["_id"], new)["_id"]
    return conversations.get(db, scope, conversation["_id"]), ids
