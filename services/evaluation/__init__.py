"""Evaluation (đánh giá): each grassroots union's live compliance with the "3 chủ động" criteria."""
