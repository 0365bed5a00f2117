"""The PKCS#11 token layer: discovery (``modules``), the token thread and module loading
(``thread``), mechanism choice and verification (``mechanisms``), the ``TokenService`` of
scanning and sessions (``service``), the certificate model (``models``, ``certificate``) and
error mapping (``pkcs11_errors``). pkcs11 objects never leave it. SoftHSM2 provisioning for
tests and the demo lives in ``hy_client.sandbox.softhsm``: it never ships."""
