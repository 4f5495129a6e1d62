"""Scenarios to play MakerNet against: generators and a day-by-day simulator."""
