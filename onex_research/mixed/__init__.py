"""Mixed-methods integration: the joint display of survey and interview findings per theme."""

from .joint import JointDisplay, JointDisplayError, ThemeDisplay, joint_display

__all__ = ["JointDisplay", "JointDisplayError", "ThemeDisplay", "joint_display"]
