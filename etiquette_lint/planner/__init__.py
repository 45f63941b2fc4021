"""The planner: what is due, when, and why (cadence windows, the agenda, calendar export).

`windows` is the one place the cadence is computed; the rules' facts (follow-up-due,
overdue-action, contact-after-rejection), the agenda (`next`) and the timeline all use it.
"""
