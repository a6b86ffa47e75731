"""What an employee does with a course: reading modules, quizzes, acknowledgements, records.

Plain functions over a SQLAlchemy session and dates; no Flask imports. Completion rules
live in trainer.compliance (progress, completion); this package calls them.
"""
