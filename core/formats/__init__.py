"""The input formats of every language (FORMAT_MODULE_PATH): day/month/year first, as Hong
Kong writes dates, then ISO and written-out forms; the first of each is what the admin's
calendar and clock write and what date and time inputs show. Display formats stay Django's."""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 19/06/2025, 19/6/2025: first, the calendar writes it
    "%Y-%m-%d",  # 2025-06-19
    "%Y/%m/%d",  # 2025/06/19
    "%Y年%m月%d日",  # 2025年6月19日
    "%d-%m-%Y",  # 19-06-2025
    "%d.%m.%Y",  # 19.06.2025
    "%d/%m/%y",  # 19/06/25
    "%d %B %Y",  # 19 June 2025
    "%d %b %Y",  # 19 Jun 2025
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %d, %Y",  # June 19, 2025
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%m/%d/%Y",  # 6/19/2025: only when it cannot be a day/month
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]  # the first: what the clock writes
DATETIME_INPUT_FORMATS = [
    f"{date} {time}"
    for date in ("%d/%m/%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")
    for time in TIME_INPUT_FORMATS
]
