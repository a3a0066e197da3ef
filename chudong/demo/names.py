"""Vietnamese names for demo people and units (invented people; real place names)."""

from __future__ import annotations

import random

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Quang", "Thu", "Hoài", "Gia", "Bảo")
GIVEN = (
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Huyền", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
    "Trang", "Trung", "Tú", "Tuấn", "Uyên", "Vy", "Yến",
)  # fmt: skip
ETHNICITIES = ("Kinh",) * 17 + ("Tày", "Nùng", "Sán Dìu")
RELIGIONS = (None,) * 8 + ("Phật giáo", "Công giáo")

PROVINCES = (
    ("bg", "Bắc Giang"), ("hn", "Hà Nội"), ("hcm", "TP. Hồ Chí Minh"), ("hp", "Hải Phòng"), ("dn", "Đà Nẵng"),
    ("ct", "Cần Thơ"), ("hue", "Huế"), ("lc", "Lào Cai"), ("tq", "Tuyên Quang"), ("cb", "Cao Bằng"),
    ("ls", "Lạng Sơn"), ("ln", "Lai Châu"), ("db", "Điện Biên"), ("sl", "Sơn La"), ("tn", "Thái Nguyên"),
    ("pt", "Phú Thọ"), ("bn", "Bắc Ninh"), ("qn", "Quảng Ninh"), ("hy", "Hưng Yên"), ("nb", "Ninh Bình"),
    ("th", "Thanh Hóa"), ("na", "Nghệ An"), ("ht", "Hà Tĩnh"), ("qt", "Quảng Trị"), ("qng", "Quảng Ngãi"),
    ("gl", "Gia Lai"), ("dl", "Đắk Lắk"), ("kh", "Khánh Hòa"), ("ld", "Lâm Đồng"), ("dnai", "Đồng Nai"),
    ("tni", "Tây Ninh"), ("vl", "Vĩnh Long"), ("dt", "Đồng Tháp"), ("cm", "Cà Mau"),
)  # fmt: skip
DISTRICTS = (
    "Yên Dũng", "Lạng Giang", "Lục Nam", "Lục Ngạn", "Sơn Động", "Tân Yên", "Hiệp Hòa", "Việt Yên",
    "Yên Thế", "Phước Long", "Khối cơ quan và doanh nghiệp", "Thành phố",
)  # fmt: skip
PARTNERS = (
    "Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Công an xã", "Trạm Y tế", "Ban Chỉ huy Quân sự",
    "Ngân hàng Chính sách xã hội", "Hội Cựu chiến binh", "Trường THCS",
)  # fmt: skip
ACTIVITIES = (
    "Ra quân Tháng Thanh niên", "Chủ nhật xanh", "Hiến máu tình nguyện", "Tiếp sức mùa thi",
    "Mùa hè xanh", "Sinh hoạt chính trị chủ đề", "Giải bóng đá thanh niên", "Tập huấn kỹ năng số",
)  # fmt: skip
PROJECTS = ("Đường thanh niên tự quản", "Thắp sáng đường quê", "Vườn cây thanh niên", "Nhà nhân ái")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
