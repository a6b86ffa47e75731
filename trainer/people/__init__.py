"""Staff records: accounts, roles, departments, imports. No Flask imports."""
