"""The planner: what is due and when (windows, agenda), the plan as a timeline, and starting a plan.

`windows` is the one place the cadence is computed; the rules' facts (follow-up-due,
overdue-action, contact-after-rejection), the agenda (`next`) and the timeline all use it.
"""
