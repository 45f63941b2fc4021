"""The planner: what is due and when (windows, agenda), the plan as a timeline, and starting a plan."""
