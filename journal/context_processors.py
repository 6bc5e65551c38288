from __future__ import annotations

from journal.offline import offline_key


def roles(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else "anonymous"
    return {"role": role, "offline_key": offline_key(user) if role == "patient" else ""}
