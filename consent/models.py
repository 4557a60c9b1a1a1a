"""Cookie consent: categories, declared cookies, policy versions and proof of consent (to come)."""
