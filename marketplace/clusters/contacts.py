"""Who speaks for an organization: accounts are attached to it only with the consent of those concerned.

Cluster staff may record that an organization is their member, but they cannot change an organization
that already exists nor decide who acts for it: its known contacts (the accounts attached to it, else its
email) confirm a new contact by a signed link, and an existing account joins an organization only when
its owner confirms. A brand-new account is attached at once: only whoever reads its mailbox can use it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from ..auth.models import User
from ..auth.services import create_user, make_reset_token, normalize_email
from ..config import signing_keys
from ..core.errors import Conflict, Invalid
from ..mail.services import queue_email
from .models import Cluster, Organization

# What happened to the contact named when a member was registered.
ATTACHED = "attached"                # a new account, invited to choose its password
ALREADY = "already"                  # the account already acts for this organization
ASKED_ORGANIZATION = "asked_organization"  # the organization's known contacts must confirm
ASKED_ACCOUNT = "asked_account"      # the account's owner must confirm
NO_KNOWN_CONTACT = "no_known_contact"  # nobody can confirm for this organization: nothing done


@dataclass(frozen=True)
class ContactRequest:
    """A contact proposed for an organization, as carried (signed) in a confirmation link."""

    organization_id: int
    email: str
    cluster_id: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt="organization-contact")


def make_contact_token(request: ContactRequest) -> str:
    return _serializer().dumps({"o": request.organization_id, "e": request.email, "c": request.cluster_id})


def read_contact_token(token: str) -> ContactRequest:
    """The request a valid, unexpired confirmation link carries; Invalid otherwise."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["INVITATION_MAX_AGE"])
        return ContactRequest(int(data["o"]), str(data["e"]), int(data["c"]))
    except SignatureExpired as exc:
        raise Invalid(_("Ce lien de confirmation a expiré : demandez au cluster d'en envoyer un nouveau.")) from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Invalid(_("Ce lien de confirmation n'est pas valide.")) from exc


def known_contacts(db: Session, organization: Organization) -> list[str]:
    """Who may speak for the organization: its attached accounts, else the email it gave."""
    emails = list(db.exec(select(User.email).where(User.organization_id == organization.id,
                                                   User.is_active).order_by(User.email)).all())
    if not emails and organization.email:
        emails = [organization.email]
    return emails


def _link(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _invite_new_account(db: Session, user: User, organization: Organization, cluster: Cluster) -> None:
    link = _link("auth.reset_password_form", token=make_reset_token(user, invitation=True))
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    queue_email(db, user.email, _("Votre compte membre pour %(organization)s", organization=organization.name),
                _("Bonjour,\n\n%(cluster)s a ouvert un compte membre à votre adresse pour %(organization)s : "
                  "vous y verrez vos commandes, factures et tarifs adhérents.\nChoisissez votre mot de passe ici "
                  "(lien valable %(days)d jours, une seule fois) :\n%(link)s\n\n"
                  "Si vous ne connaissez pas cette organisation, ignorez ce message.",
                  cluster=cluster.name, organization=organization.name, days=days, link=link))


def _ask_confirmation(db: Session, to: list[str], request: ContactRequest, organization: Organization,
                      cluster: Cluster) -> None:
    link = _link("clusters.confirm_contact_page", token=make_contact_token(request))
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    for address in to:
        queue_email(db, address, _("Confirmez un contact pour %(organization)s", organization=organization.name),
                    _("Bonjour,\n\n%(cluster)s propose que %(email)s agisse pour %(organization)s sur la place de "
                      "marché des clusters (commandes, factures, tarifs adhérents).\nSi c'est bien le cas, "
                      "confirmez-le ici (lien valable %(days)d jours) :\n%(link)s\n\n"
                      "Sinon, ignorez ce message : rien ne change sans votre confirmation.",
                      cluster=cluster.name, email=request.email, organization=organization.name, days=days,
                      link=link))


def propose_contact(db: Session, cluster: Cluster, organization: Organization, email: str, *,
                    organization_is_new: bool) -> str:
    """Act on the contact staff named for a member; returns what was done (ATTACHED, ASKED_..., ...).

    Never attaches an existing account, nor any account to an organization that existed before,
    without the confirmation of those concerned.
    """
    email = normalize_email(email)
    user = db.exec(select(User).where(User.email == email)).first()
    if user is not None and user.organization_id == organization.id:
        return ALREADY
    if user is not None and user.organization_id is not None:
        raise Conflict(_("Ce contact est déjà rattaché à une autre organisation."), field="contact_email")
    request = ContactRequest(organization.id, email, cluster.id)
    if not organization_is_new:
        contacts = known_contacts(db, organization)
        if not contacts:
            return NO_KNOWN_CONTACT
        _ask_confirmation(db, contacts, request, organization, cluster)
        return ASKED_ORGANIZATION
    if user is not None:
        _ask_confirmation(db, [user.email], request, organization, cluster)
        return ASKED_ACCOUNT
    user = create_user(db, email, secrets.token_urlsafe(32), organization_id=organization.id)
    _invite_new_account(db, user, organization, cluster)
    return ATTACHED


def confirm_contact(db: Session, token: str) -> tuple[ContactRequest, Organization, User]:
    """Attach the proposed contact once confirmed from the link (a second use changes nothing)."""
    request = read_contact_token(token)
    organization = db.get(Organization, request.organization_id)
    cluster = db.get(Cluster, request.cluster_id)
    if organization is None or cluster is None:
        raise Invalid(_("Ce lien de confirmation n'est pas valide."))
    user = db.exec(select(User).where(User.email == request.email)).first()
    if user is None:
        user = create_user(db, request.email, secrets.token_urlsafe(32), organization_id=organization.id)
        _invite_new_account(db, user, organization, cluster)
        return request, organization, user
    if user.organization_id not in (None, organization.id):
        raise Conflict(_("Ce compte est déjà rattaché à une autre organisation."))
    if user.organization_id is None:
        user.organization_id = organization.id
        db.add(user)
        db.flush()
        with force_locale(user.language):
            queue_email(db, user.email, _("Votre compte agit pour %(organization)s", organization=organization.name),
                        _("Bonjour,\n\nVotre compte agit désormais pour %(organization)s : ses commandes, factures "
                          "et tarifs adhérents vous sont ouverts.\n", organization=organization.name))
    return request, organization, user
