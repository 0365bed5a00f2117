"""The PKCS#11 token layer: discovery (``modules``), the one-thread ``TokenService``
(``service``), the certificate model (``models``, ``certificate``), error mapping
(``pkcs11_errors``) and SoftHSM2 provisioning (``softhsm``). pkcs11 objects never leave it."""
