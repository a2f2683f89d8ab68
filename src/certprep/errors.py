"""The exceptions a user can cause. Interfaces catch CertprepError and show its message.

CertprepError
├── BankError        a bank file or directory that cannot be used (certprep.bank.loader)
├── FormError        a bank that cannot fill the form asked for (certprep.domain.form)
├── AttemptError     a step the exam rules refuse (certprep.domain.attempt)
│   └── TimeUp       ... because the time ran out
├── NotFound         no such attempt for this learner (certprep.services)
└── StorageError     the database cannot be opened or migrated (certprep.storage.database)
"""


class CertprepError(Exception):
    """Base of every error with a message meant for the user."""


class NotFound(CertprepError):
    pass
