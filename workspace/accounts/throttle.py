"""One throttle for every way into an account: the workspace login, the admin
login and the password reset.

Failed logins are counted, in the shared cache, per account (the typed name,
folded: ``Anna``, ``anna`` and a full-width ``anna`` are one account) and per
address:

- per account and address: ``LOGIN_FAILURE_LIMIT`` in ``LOGIN_FAILURE_WINDOW``,
  then that address waits for that account;
- per address, over all accounts: ``LOGIN_ADDRESS_FAILURE_LIMIT`` in the same
  window, against one address trying many names;
- per account, over all addresses: ``LOGIN_ACCOUNT_FAILURE_LIMIT`` in
  ``LOGIN_ACCOUNT_FAILURE_WINDOW``, so that many addresses together get no
  more than that many guesses at one account.

The last two do not apply where the account logged in successfully within
``LOGIN_TRUSTED_DAYS``: an attack on a colleague's account from elsewhere
does not lock them out at their usual address, where they are only slowed by
the first limit. Names that belong to no account are counted the same, so a
refusal tells nothing about who has an account.
"""

import datetime
import json
import math
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext

from kinderpardon import ratelimit

PAIR, ADDRESS, ACCOUNT = "login-pair", "login-address", "login-account"
TRUSTED, BLOCKED, GENERATION = "login-trusted", "login-blocked", "login-generation"
RESET_EMAIL, RESET_ADDRESS = "reset-email", "reset-address"


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _login_refusal(seconds: int, *, account_wide: bool) -> str:
    minutes = _minutes(seconds)
    if account_wide:
        wait = ngettext(
            "Op dit account is de laatste tijd te vaak een verkeerd wachtwoord geprobeerd, "
            "daarom kan er vanaf nieuwe adressen even niet op worden ingelogd. "
            "Probeer het over %(minutes)s minuut opnieuw, of log in vanaf een adres "
            "waar u eerder inlogde.",
            "Op dit account is de laatste tijd te vaak een verkeerd wachtwoord geprobeerd, "
            "daarom kan er vanaf nieuwe adressen even niet op worden ingelogd. "
            "Probeer het over %(minutes)s minuten opnieuw, of log in vanaf een adres "
            "waar u eerder inlogde.",
            minutes,
        )
    else:
        wait = ngettext(
            "Te veel mislukte pogingen om in te loggen. "
            "Probeer het over %(minutes)s minuut opnieuw.",
            "Te veel mislukte pogingen om in te loggen. "
            "Probeer het over %(minutes)s minuten opnieuw.",
            minutes,
        )
    help_ = gettext(
        "Wachtwoord vergeten? Vraag een nieuw wachtwoord aan. "
        "Een coördinator kan de blokkade ook opheffen."
    )
    return f"{wait % {'minutes': minutes}} {help_}"


class Limit(NamedTuple):
    scope: str
    value: str
    limit: int
    window: int
    applies: bool


def _generation(account: str) -> int:
    """Lifting a block starts a new generation of the account's counters
    (counters per address cannot be listed to delete them one by one)."""
    return cache.get(ratelimit.cache_key(GENERATION, account), 0)


def _trusted_key(account: str, address: str) -> str:
    return ratelimit.cache_key(TRUSTED, json.dumps([account, address]))


class LoginAttempt:
    """One try of a name and password from one address.

    ``start()`` counts the try as a failure before the password is checked, so
    that parallel tries cannot slip past a limit between check and count;
    ``succeeded()`` and ``not_a_guess()`` take the count back.
    """

    def __init__(self, username: str, address: str):
        self.account = ratelimit.fold(username)
        self.address = address
        generation = _generation(self.account)
        trusted = cache.get(_trusted_key(self.account, address)) is not None
        self.pair = Limit(
            PAIR,
            json.dumps([generation, self.account, address]),
            settings.LOGIN_FAILURE_LIMIT,
            settings.LOGIN_FAILURE_WINDOW,
            applies=True,
        )
        self.limits = [
            self.pair,
            Limit(
                ADDRESS,
                address,
                settings.LOGIN_ADDRESS_FAILURE_LIMIT,
                settings.LOGIN_FAILURE_WINDOW,
                applies=not trusted,
            ),
            Limit(
                ACCOUNT,
                json.dumps([generation, self.account]),
                settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
                settings.LOGIN_ACCOUNT_FAILURE_WINDOW,
                applies=not trusted,
            ),
        ]
        self.counts: list[int] = []

    def start(self) -> str | None:
        """Count this try; when it is one too many, take the count back and
        return why it is refused."""
        self.counts = [
            ratelimit.hit(lim.scope, lim.value, window=lim.window) for lim in self.limits
        ]
        counted = zip(self.limits, self.counts, strict=True)
        over = [lim for lim, n in counted if lim.applies and n > lim.limit]
        if not over:
            return None
        self.not_a_guess()
        seconds = max(ratelimit.retry_after(lim.scope, lim.value) for lim in over)
        account_wide = all(lim.scope == ACCOUNT for lim in over)
        return _login_refusal(seconds, account_wide=account_wide)

    def failed(self) -> None:
        """The password was wrong. When that used up a limit for this account,
        mark the account as blocked, for the coordinators' list of users."""
        reached = [
            lim
            for lim, n in zip(self.limits, self.counts, strict=True)
            if lim.scope != ADDRESS and n >= lim.limit
        ]
        if reached:
            seconds = max(ratelimit.retry_after(lim.scope, lim.value) for lim in reached)
            key = ratelimit.cache_key(BLOCKED, self.account)
            until = max(cache.get(key, 0), time.time() + seconds)
            cache.set(key, until, timeout=seconds)

    def not_a_guess(self) -> None:
        """Take the count back: the try was refused, or the password was right
        but the account may not log in here (a volunteer at the admin)."""
        for lim in self.limits:
            ratelimit.give_back(lim.scope, lim.value)

    def succeeded(self) -> None:
        """Logged in: forgive this address's earlier typos for the account and
        trust the address for it from now on."""
        self.not_a_guess()
        ratelimit.reset(self.pair.scope, self.pair.value)
        timeout = settings.LOGIN_TRUSTED_DAYS * 24 * 60 * 60
        cache.set(_trusted_key(self.account, self.address), True, timeout=timeout)


def lift(username: str) -> None:
    """Clear every failure counted for this account (not the trust it has in
    addresses, nor the counts per address, which belong to no one account)."""
    account = ratelimit.fold(username)
    key = ratelimit.cache_key(GENERATION, account)
    cache.add(key, 0, timeout=None)
    cache.incr(key)
    cache.delete(ratelimit.cache_key(BLOCKED, account))


def blocked_until(usernames: list[str]) -> dict[str, datetime.datetime]:
    """For each of these accounts that is blocked (for some or for all new
    addresses), until when; in one cache round trip."""
    keys = {ratelimit.cache_key(BLOCKED, ratelimit.fold(name)): name for name in usernames}
    now = time.time()
    return {
        keys[key]: datetime.datetime.fromtimestamp(until, datetime.UTC)
        for key, until in cache.get_many(list(keys)).items()
        if until > now
    }


def password_reset_refusal(email: str, address: str) -> str | None:
    """Count this request for a reset mail, for the e-mail address (whether or
    not an account has it, so that a refusal reveals nothing) and for the
    sender's address. When it is one too many, take the count back and return
    why it is refused."""
    window = settings.PASSWORD_RESET_WINDOW
    limits = [
        (RESET_EMAIL, email, settings.PASSWORD_RESET_LIMIT),
        (RESET_ADDRESS, address, settings.PASSWORD_RESET_ADDRESS_LIMIT),
    ]
    counts = [ratelimit.hit(scope, value, window=window) for scope, value, _limit in limits]
    over = [(s, v) for (s, v, limit), n in zip(limits, counts, strict=True) if n > limit]
    if not over:
        return None
    for scope, value, _limit in limits:
        ratelimit.give_back(scope, value)
    minutes = _minutes(max(ratelimit.retry_after(scope, value) for scope, value in over))
    message = ngettext(
        "U hebt in korte tijd te vaak een nieuw wachtwoord aangevraagd, daarom is er nu "
        "geen e-mail verstuurd. Kijk in uw mailbox (ook bij de ongewenste e-mail) of een "
        "eerdere e-mail er al is, of probeer het over %(minutes)s minuut opnieuw.",
        "U hebt in korte tijd te vaak een nieuw wachtwoord aangevraagd, daarom is er nu "
        "geen e-mail verstuurd. Kijk in uw mailbox (ook bij de ongewenste e-mail) of een "
        "eerdere e-mail er al is, of probeer het over %(minutes)s minuten opnieuw.",
        minutes,
    )
    return message % {"minutes": minutes}
