"""The contact form every site with the contact block starts with.

It is an ordinary collective.easyform form, so owners change its fields and
actions like any other. It starts with what a government contact form needs:
the message goes to the site by mail, the sender gets a confirmation, and
every submission is kept for the site's owners to read and download
(easyform's saved data).
"""

from plone import api
from plone.dexterity.utils import createContentInContainer


TEXTS = {
    "nl": {
        "id": "contactformulier",
        "title": "Contactformulier",
        "description": "Stel uw vraag; u krijgt een bevestiging per e-mail.",
        "name": "Uw naam",
        "email": "Uw e-mailadres",
        "subject": "Onderwerp",
        "message": "Uw vraag of opmerking",
        "confirmation": "Wij hebben uw bericht ontvangen",
        "saved": "Ontvangen berichten",
        "thanks": "Bedankt voor uw bericht. U krijgt een bevestiging per e-mail.",
    },
    "en": {
        "id": "contact-form",
        "title": "Contact form",
        "description": "Ask your question; you get a confirmation by e-mail.",
        "name": "Your name",
        "email": "Your e-mail address",
        "subject": "Subject",
        "message": "Your question or comment",
        "confirmation": "We have received your message",
        "saved": "Received messages",
        "thanks": "Thank you for your message. You get a confirmation by e-mail.",
    },
}

FIELDS_MODEL = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema"
       xmlns:easyform="http://namespaces.plone.org/supermodel/easyform">
  <schema>
    <field name="name" type="zope.schema.TextLine">
      <title>{name}</title>
    </field>
    <field name="replyto" type="zope.schema.TextLine"
           easyform:validators="isValidEmail">
      <title>{email}</title>
    </field>
    <field name="topic" type="zope.schema.TextLine">
      <title>{subject}</title>
    </field>
    <field name="comments" type="zope.schema.Text">
      <title>{message}</title>
    </field>
  </schema>
</model>
"""

# The site's own mail goes to the platform's sender address unless the owners
# name another recipient; the confirmation goes to the address the visitor
# typed.
ACTIONS_MODEL = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="mailer" type="collective.easyform.actions.Mailer">
      <title>Mail to the site</title>
      <replyto_field>replyto</replyto_field>
      <subject_field>topic</subject_field>
    </field>
    <field name="confirmation" type="collective.easyform.actions.Mailer">
      <title>{confirmation}</title>
      <to_field>replyto</to_field>
      <msg_subject>{confirmation}</msg_subject>
    </field>
    <field name="saved" type="collective.easyform.actions.SaveData">
      <title>{saved}</title>
    </field>
  </schema>
</model>
"""


def add_contact_form(folder, language: str):
    """Add the contact form to ``folder``, published, in ``language``."""
    texts = TEXTS.get(language, TEXTS["en"])
    form = createContentInContainer(
        folder,
        "EasyForm",
        checkConstraints=False,
        id=texts["id"],
        title=texts["title"],
        description=texts["description"],
    )
    form.fields_model = FIELDS_MODEL.format(**texts)
    form.actions_model = ACTIONS_MODEL.format(**texts)
    form.thankstitle = texts["title"]
    form.thanksdescription = texts["thanks"]
    form.exclude_from_nav = True
    form.reindexObject()
    if api.content.get_state(form, default=None) == "private":
        api.content.transition(form, transition="publish")
    return form
