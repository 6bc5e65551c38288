from __future__ import annotations


def roles(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else "anonymous"
    return {"role": role}
