"""Read-only queries for HR and auditors: lists, figures and exports. No Flask imports."""
