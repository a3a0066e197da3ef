"""Membership (quản lý đoàn viên): the org tree, members' lifecycle, youth care and Party referrals."""
