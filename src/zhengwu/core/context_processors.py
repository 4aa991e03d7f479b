from zhengwu.core.access import staff_of


def zhengwu(request):
    """Values every page needs: the signed-in staff profile and the large-text (关怀模式) preference."""
    return {
        "current_staff": staff_of(getattr(request, "user", None)),
        "care_mode": request.COOKIES.get("care_mode") == "1",
    }
