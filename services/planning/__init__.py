"""Planning (kế hoạch công tác): plans, branch meetings, activities, advice to the Party and coordination."""
