"""`make release`'s upload: twine's, with each way it can fail told apart.

twine exits 1 whatever went wrong, and the person releasing needs to know
which of these it was, since each asks for something else:

- exit 3: the index already holds this version and refuses it again (raise
  `version` in `[tool.dixagen]`, regenerate, release again);
- exit 4: the index could not be reached (nothing was refused: the address,
  the network or the index is down);
- exit 5: the index refused the credentials, or none were given;
- exit 1: anything else (twine's reason is printed).

The upload is twine's own (`twine upload`, configured as usual by
`TWINE_REPOSITORY_URL`, `TWINE_USERNAME`, `TWINE_PASSWORD` or `~/.pypirc`);
only its exceptions are read here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import requests
from twine import exceptions as twine_errors
from twine.commands import upload

EXISTS, UNREACHABLE, CREDENTIALS, OTHER = 3, 4, 5, 1


def release_of(dists: list[str]) -> str:
    """`dixa-sdk 0.5.0`, from a wheel's or an sdist's file name."""
    name = Path(dists[0]).name.removesuffix(".tar.gz").removesuffix(".whl")
    distribution, version = name.split("-")[:2]
    return f"{distribution.replace('_', '-')} {version}"


def already_there(response: requests.Response) -> bool:
    """Whether the index refused the file because it holds it already: pypiserver
    answers 409, PyPI 400 saying so."""
    said = f"{response.reason or ''} {response.text or ''}".lower()
    return response.status_code == 409 or (response.status_code in (400, 403) and "already exist" in said)


def publish(dists: list[str]) -> tuple[int, str]:
    """Upload `dists`; (exit status, what to tell the person releasing)."""
    release = release_of(dists)
    try:
        upload.main(["--non-interactive", "--disable-progress-bar", *dists])
    except requests.HTTPError as exc:
        response = exc.response
        url = response.url if response is not None else "the index"
        if response is not None and already_there(response):
            return EXISTS, (
                f"the index at {url} already holds {release} and refused it again. An index never takes a version "
                "twice: to publish a change, raise version in [tool.dixagen] of pyproject.toml, run make generate, "
                "and release again."
            )
        if response is not None and response.status_code in (401, 403):
            return CREDENTIALS, (
                f"the index at {url} refused the credentials (HTTP {response.status_code}): nothing of {release} "
                "was uploaded. Set TWINE_USERNAME and TWINE_PASSWORD (or an API token) for that index."
            )
        status = f"HTTP {response.status_code} {response.reason}" if response is not None else str(exc)
        return OTHER, f"the index at {url} did not take {release}: {status} (twine's reason above)."
    except (requests.ConnectionError, requests.Timeout) as exc:
        link = exc.request.url if exc.request is not None else None
        where = link.decode() if isinstance(link, bytes) else link or "the index"
        return UNREACHABLE, (
            f"could not connect to {where}: nothing was uploaded and nothing was refused ({_root(exc)}). "
            "Check TWINE_REPOSITORY_URL (or TWINE_REPOSITORY) and the network, then release again."
        )
    except twine_errors.NonInteractive as exc:
        return CREDENTIALS, f"no credentials for the index: {exc}. Set TWINE_USERNAME and TWINE_PASSWORD."
    except twine_errors.TwineException as exc:
        return OTHER, f"twine could not upload {release}: {exc}"
    return 0, f"published {release}."


def _root(exc: BaseException) -> str:
    """The innermost reason of a connection failure (`[Errno 111] Connection refused`)."""
    found = re.search(r"\[Errno -?\d+\] [^'\")]+", str(exc))
    return found.group(0).strip() if found else type(exc).__name__


def main() -> None:
    status, message = publish(sys.argv[1:])
    print(f"make release: {message}", file=sys.stderr if status else sys.stdout)
    sys.exit(status)


if __name__ == "__main__":
    main()
