"""The one error catalogue: every failure a user or support engineer can see.

A code is stable forever (support staff quote it on the phone); the texts may improve.
Codes: T token, M module, A auth/login, P platform/network, F forms, D drivers,
G diagnostics, C config/credentials, S sandbox-only, U user action.
The sandbox answers with the same codes, so the client can show the catalogue's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorInfo:
    code: str
    zh: str
    en: str
    advice_zh: str = ""
    advice_en: str = ""
    http_status: int = 400  # what the sandbox answers with


CATALOGUE: dict[str, ErrorInfo] = {}


def _e(code: str, zh: str, en: str, advice_zh: str = "", advice_en: str = "",
       http_status: int = 400) -> ErrorInfo:
    if code in CATALOGUE:
        raise ValueError(f"duplicate error code {code}")
    info = ErrorInfo(code, zh, en, advice_zh, advice_en, http_status)
    CATALOGUE[code] = info
    return info


SUPPORT_PHONE = "0734-8846545"
# Password help of the Hunan unified registration platform (accounts never used in Hengyang);
# here, the base layer, for the messages below; ``support`` lists it with the desks.
PASSWORD_HELP_PHONES: tuple[str, str] = ("4007777016", "4006682666")
_CALL = f"如仍无法解决，请致电技术支持 {SUPPORT_PHONE}。"
_CALL_EN = f"If this persists, call technical support on {SUPPORT_PHONE}."

# --- PKCS#11 modules (drivers as loaded libraries) ---------------------------------------
MODULE_NOT_FOUND = _e(
    "M101", "找不到CA驱动模块文件", "PKCS#11 module file not found",
    "请安装CA锁对应的驱动，或在设置中填写正确的驱动路径。", "Install the key's driver or fix the path.")
MODULE_NOT_PKCS11 = _e(
    "M102", "该文件不是PKCS#11驱动模块", "The file is not a PKCS#11 library",
    "请选择CA厂商提供的PKCS#11驱动文件（Windows 上通常为 .dll）。",
    "Choose the vendor's PKCS#11 library.")
MODULE_WRONG_ARCH = _e(
    "M103", "驱动模块与本程序位数不符（32位/64位）", "Module architecture mismatch (32/64-bit)",
    "请安装与本程序位数相同的驱动版本。", "Install the driver build matching this program.")
MODULE_MISSING_DEPENDENCY = _e(
    "M104", "驱动模块缺少依赖的库文件", "Module is missing a dependency",
    "请安装驱动所需的 Microsoft Visual C++ 运行库，或重新安装CA驱动。" + _CALL,
    "Install the Visual C++ runtime the driver needs, or reinstall the driver. " + _CALL_EN)
MODULE_LOAD_FAILED = _e(
    "M105", "驱动模块加载失败", "The PKCS#11 module failed to load",
    "请重新安装CA驱动。" + _CALL, "Reinstall the driver. " + _CALL_EN)
MODULE_ENTRY_POINT_MISSING = _e(
    "M260", "驱动模块依赖的库版本不符（找不到所需的函数）",
    "A library the module needs lacks a function it calls (wrong version)",
    "请重新安装CA驱动，或安装驱动说明中要求的运行库版本。" + _CALL,
    "Reinstall the driver or the runtime version it requires. " + _CALL_EN)
MODULE_INIT_FAILED = _e(
    "M261", "驱动模块初始化失败（DLL 初始化例程失败）",
    "The module's DLL initialisation routine failed",
    "请拔下CA锁后重新插入、重启电脑；仍不行请重新安装CA驱动。" + _CALL,
    "Replug the key and restart; if it persists, reinstall the driver. " + _CALL_EN)
MODULE_PATH_NOT_ABSOLUTE = _e(
    "M106", "驱动路径必须是完整的绝对路径", "Module path must be absolute",
    "为安全起见，只加载以完整路径指定的驱动。", "Only modules given by absolute path are loaded.")
NO_MODULE = _e(
    "M107", "未找到任何CA驱动", "No PKCS#11 module found",
    "请先安装CA锁驱动。", "Install your key's driver first.")
MODULE_IN_USE = _e(
    "M108", "驱动模块正在使用（CA锁已登录），暂不能移除", "The module is in use by a logged-in key",
    "请先退出该CA锁的登录，再更改驱动设置。", "Log the key out first, then change the modules.")

# --- tokens --------------------------------------------------------------------------------
NO_TOKEN = _e(
    "T101", "未检测到CA锁", "No USB key found",
    "请插入CA锁；如已插入，请换一个USB口或重新安装驱动。",
    "Plug in the key; try another USB port or reinstall the driver.")
SEVERAL_TOKENS = _e(
    "T102", "检测到多把CA锁，请选择要使用的一把", "Several keys found: choose one",
    "请在列表中选择要使用的CA锁，或只插入一把CA锁。", "Pick one from the list or unplug the others.")
PIN_INCORRECT = _e(
    "T103", "PIN码错误", "Incorrect PIN",
    "请核对PIN码后重试。多次输错将锁定CA锁。", "Check the PIN; repeated failures lock the key.", 401)
PIN_FINAL_TRY = _e(
    "T104", "PIN码错误，再错一次CA锁将被锁定", "Incorrect PIN: one more failure locks the key",
    "请确认PIN码无误后再试，或联系CA机构。", "Be sure of the PIN before trying again.", 401)
PIN_LOCKED = _e(
    "T105", "PIN码已锁定", "The PIN is locked",
    "请携带CA锁到CA办理点或使用CA厂商的解锁工具解锁。" + _CALL,
    "Take the key to the CA's service point to unlock it. " + _CALL_EN, 401)
PIN_INVALID = _e(
    "T106", "PIN码格式不符合要求", "The PIN does not meet the key's rules",
    "请检查PIN码长度和字符。", "Check the PIN's length and characters.")
PIN_WEAK = _e(
    "T107", "新PIN码太简单", "The new PIN is too weak",
    "请不要使用 123456、连续数字或重复数字，至少6位。",
    "Avoid 123456, sequences and repeats; use at least 6 digits.")
TOKEN_REMOVED = _e(
    "T108", "CA锁已拔出", "The key was removed",
    "请重新插入CA锁后重试。", "Plug the key back in and try again.")
TOKEN_NOT_LOGGED_IN = _e(
    "T109", "尚未输入CA锁PIN码", "Not logged in to the key",
    "请先输入PIN码。", "Enter the PIN first.")
CERT_NOT_FOUND = _e(
    "T110", "CA锁中没有可用的证书", "No usable certificate on the key",
    "该CA锁中找不到带私钥的证书，请联系CA机构。", "No certificate with a private key was found.")
CERT_UNPARSEABLE = _e(
    "T111", "证书无法解析", "The certificate cannot be parsed",
    "CA锁中的证书数据已损坏，请联系CA机构。", "The certificate data is damaged.")
KEY_NOT_FOUND = _e(
    "T112", "找不到证书对应的私钥", "No private key for this certificate",
    "请联系CA机构重新写入证书。", "Ask the CA to re-issue the certificate.")
ALGORITHM_UNSUPPORTED = _e(
    "T113", "不支持该证书的密钥算法", "The certificate's key algorithm is not supported",
    "请使用RSA、ECC或国密SM2证书。", "Use an RSA, ECC or SM2 certificate.")
MECHANISM_UNSUPPORTED = _e(
    "T114", "CA锁不支持所需的签名方式", "The key does not support the required mechanism",
    "请更新CA驱动。", "Update the driver.")
TOKEN_ERROR = _e(
    "T115", "CA锁操作失败", "The key operation failed",
    "请拔出CA锁后重新插入再试。" + _CALL, "Re-plug the key and try again. " + _CALL_EN)
SELF_TEST_FAILED = _e(
    "T116", "CA锁自检未通过", "The key self-test failed",
    "签名或解密校验失败，开标时可能无法解密投标文件。请尽快联系CA机构。",
    "Sign or decrypt check failed: bids may not decrypt at opening. Contact the CA.")
TOKEN_BUSY = _e(
    "T117", "CA锁正忙，请稍候", "The key is busy", "请等待当前操作完成。", "Wait for the current job.")
SM2_MECHANISM_UNKNOWN = _e(
    "T280", "已发现SM2密钥，但该驱动的SM2算法未知", "SM2 key found, this driver's SM2 mechanism is not known",
    "国密SM2没有各厂商通用的PKCS#11算法编号。请在“驱动”页检查驱动目录更新，或联系CA机构确认驱动版本。"
    + _CALL,
    "PKCS#11 has no SM2 mechanism all vendors share. Update the driver catalogue on the Drivers "
    "page, or ask the CA which driver version supports SM2. " + _CALL_EN)
SM2_UNAVAILABLE = _e(
    "T281", "本机缺少国密SM2算法库（OpenSSL 3）", "No SM2 implementation on this machine (OpenSSL 3)",
    "请重新安装本程序。" + _CALL, "Reinstall the program. " + _CALL_EN)
SM2_NO_DECRYPTION = _e(
    "T283", "该驱动未提供SM2解密（GM/T 0003.4）机制，未做解密自检",
    "This driver offers no SM2 decryption (GM/T 0003.4): decryption was not checked",
    "开标时需用该CA锁解密投标文件：请向CA机构确认驱动是否支持国密SM2解密。",
    "Bids are decrypted with this key at opening: ask the CA whether the driver decrypts SM2.")
SM2_KEY_INVALID = _e(
    "T282", "国密SM2密钥或密文无效", "Invalid SM2 key or ciphertext",
    "请联系CA机构检查证书。", "Ask the CA to check the certificate.")
PIN_PAD_CANCELLED = _e(
    "T118", "已在密码键盘上取消", "Cancelled on the PIN pad", "", "")
TOKEN_READ_ONLY = _e(
    "T119", "CA锁为只读，无法修改", "The key is read-only", "", "")
PIN_EXPIRED = _e(
    "T120", "PIN码已过期，需要修改", "The PIN has expired and must be changed",
    "请先修改PIN码。", "Change the PIN first.", 401)

# --- auth (login, sessions, challenge protocol) -------------------------------------------
BAD_CREDENTIALS = _e(
    "A101", "用户名或密码错误", "Wrong username or password",
    "请核对后重试；连续输错5次账号将被锁定15分钟。", "Five failures lock the account for 15 minutes.",
    401)
ACCOUNT_LOCKED = _e(
    "A102", "账号已临时锁定", "The account is temporarily locked",
    "请15分钟后再试，或使用找回密码。", "Try again in 15 minutes or reset the password.", 423)
SESSION_EXPIRED = _e(
    "A103", "登录已过期，请重新登录", "Your session has expired: please log in again",
    "", "", 401)
NOT_LOGGED_IN = _e(
    "A104", "请先登录", "Please log in first", "", "", 401)
CHALLENGE_EXPIRED = _e(
    "A105", "登录挑战已过期或已使用", "The login challenge expired or was already used",
    "请重新登录；如反复出现，请检查电脑时间是否准确。", "Log in again; check the computer's clock.",
    401)
AUTH_TOKEN_MALFORMED = _e(
    "A106", "登录数据格式错误", "Malformed authentication token", "", "", 400)
AUTH_ALGORITHM_REJECTED = _e(
    "A107", "不接受的签名算法", "Signature algorithm not accepted", "", "", 400)
CERT_EXPIRED = _e(
    "A108", "证书已过期", "The certificate has expired",
    "请到CA机构办理证书延期（不要在投标期间办理）。", "Renew the certificate (not during a bid).", 401)
CERT_NOT_YET_VALID = _e(
    "A109", "证书尚未生效", "The certificate is not yet valid",
    "请检查电脑时间是否准确。", "Check the computer's clock.", 401)
CERT_UNTRUSTED = _e(
    "A110", "证书不是受信任的CA签发的", "The certificate is not from a trusted CA",
    "请使用平台认可的CA机构签发的CA锁。", "Use a key from a CA the platform accepts.", 401)
CERT_KEY_USAGE = _e(
    "A111", "该证书不能用于登录签名", "The certificate is not for digital signatures",
    "请选择签名证书。", "Choose the signing certificate.", 401)
CERT_NOT_ACTIVATED = _e(
    "A112", "该证书尚未激活（未绑定账号）", "The certificate is not bound to an account",
    "请先用账号密码登录，在\u201c证书\u201d中进行远程证书激活。",
    "Log in with the password and activate the certificate first.", 401)
SIGNATURE_INVALID = _e(
    "A113", "签名验证失败", "The signature does not verify", "", "", 401)
PASSWORD_WEAK = _e(
    "A114", "密码强度不足", "The password is too weak",
    "至少8位，需同时包含字母和数字。", "At least 8 characters with letters and digits.")
USERNAME_TAKEN = _e(
    "A115", "用户名已被注册", "The username is taken", "", "", 409)
QR_EXPIRED = _e(
    "A116", "二维码已过期", "The QR code has expired", "请刷新二维码。", "Refresh the code.", 410)
QR_DENIED = _e(
    "A117", "已在手机上拒绝登录", "Login was denied on the phone", "", "", 403)
QR_INVALID = _e(
    "A118", "二维码无效或已使用", "The QR code is invalid or already used", "", "", 400)
APP_NOT_BOUND = _e(
    "A119", "标证通尚未绑定", "The Biaozhengtong app is not bound",
    "请先用账号密码登录并绑定标证通。", "Log in with the password and bind the app first.", 403)
CERT_ALREADY_BOUND = _e(
    "A120", "该证书已绑定到其他账号", "The certificate is bound to another account",
    "", "", 409)
FORBIDDEN = _e(
    "A121", "无权访问该数据", "Access denied", "", "", 403)
USER_CANCELLED = _e(
    "U101", "已取消", "Cancelled", "", "")

# --- platform / network / API --------------------------------------------------------------
NETWORK_UNREACHABLE = _e(
    "P101", "无法连接交易平台", "Cannot reach the trading platform",
    "请检查网络连接和代理设置。" + _CALL, "Check the network and proxy. " + _CALL_EN, 503)
NETWORK_TIMEOUT = _e(
    "P102", "连接交易平台超时", "The platform did not answer in time",
    "请稍后重试。", "Try again later.", 504)
NOT_FOR_PERSON = _e(
    "F222", "自然人账号没有企业资质", "A natural person's account has no enterprise qualifications",
    "企业资质只适用于单位账号；个人的执业证书请在“职业人员”中填写。",
    "Qualifications are for organisations; a person's certificates go under personnel.", 403)
UPLOAD_STALLED = _e(
    "P221", "上传中断：交易平台长时间没有响应", "Upload stopped: the platform stopped responding",
    "电子件未上传成功，已填写的内容保存在本地草稿中；请检查网络后重新上传。" + _CALL,
    "The file was not uploaded; the form is kept as a draft. Check the network and upload "
    "again. " + _CALL_EN, 504)
TLS_ERROR = _e(
    "P103", "平台证书校验失败（连接不安全）", "TLS verification failed",
    "请检查电脑时间，以及是否有代理或安全软件拦截了加密连接。",
    "Check the clock and any proxy or security software.", 502)
API_INCOMPATIBLE = _e(
    "P104", "该地址不是本客户端支持的交易平台接口", "The server does not speak the platform API",
    "请在设置中检查平台地址。", "Check the platform address in settings.", 502)
API_BAD_RESPONSE = _e(
    "P105", "平台返回的数据无法识别", "Unexpected answer from the platform",
    "请稍后重试。" + _CALL, "Try again later. " + _CALL_EN, 502)
SERVER_ERROR = _e(
    "P106", "交易平台暂时无法处理请求", "The platform failed to handle the request",
    "请稍后重试。", "Try again later.", 500)
NOT_FOUND = _e(
    "P107", "数据不存在", "Not found", "", "", 404)
CONFLICT = _e(
    "P108", "当前状态不允许该操作", "Not allowed in the current state",
    "已提交审核的数据不能修改。", "Submitted data cannot be changed.", 409)
IDEMPOTENCY_MISMATCH = _e(
    "P109", "重复请求与原请求内容不一致", "Idempotency-Key reused with another body",
    "", "", 422)
CLOCK_SKEW = _e(
    "P110", "电脑时间与平台时间相差过大", "The computer's clock differs from the platform's",
    "请校准电脑时间（Windows：设置 → 时间和语言 → 立即同步）。", "Synchronise the clock.")
INSECURE_URL = _e(
    "P111", "平台地址必须使用 https", "The platform URL must use https",
    "只有本机测试平台允许使用 http。", "Plain http is allowed only on loopback.")
RATE_LIMITED = _e(
    "P112", "请求过于频繁", "Too many requests", "请稍后重试。", "Try again later.", 429)
REQUEST_TOO_LARGE = _e(
    "P113", "请求数据过大", "The request is too large", "", "", 413)
RANGE_NOT_SATISFIABLE = _e(
    "P114", "请求的下载范围无效", "The requested byte range cannot be served",
    "请重新下载。", "Download again.", 416)
METHOD_NOT_ALLOWED = _e(
    "P115", "平台接口不支持该请求方式", "The platform does not allow this method here",
    "请升级客户端。", "Update the client.", 405)

# --- forms, attachments --------------------------------------------------------------------
VALIDATION_FAILED = _e(
    "F101", "填写内容有误", "Some fields are invalid",
    "请按提示修改所列的项目。", "Fix the fields listed.", 422)
ATTACHMENT_TOO_LARGE = _e(
    "F102", "电子件超过20MB", "The file is larger than 20 MB",
    "请压缩或分页扫描后再上传。", "Compress or split the scan.", 413)
ATTACHMENT_TYPE = _e(
    "F103", "电子件格式不支持（仅支持PDF、JPG、PNG）", "Only PDF, JPEG and PNG files are accepted",
    "", "", 415)
ATTACHMENT_HASH_MISMATCH = _e(
    "F104", "电子件上传校验失败", "Upload checksum mismatch", "请重新上传。", "Upload again.", 502)
ATTACHMENT_EMPTY = _e(
    "F105", "电子件为空文件", "The file is empty", "", "", 400)
DRAFT_STORE_ERROR = _e(
    "F106", "草稿保存失败", "The draft could not be saved",
    "请检查磁盘空间。", "Check free disk space.")
CERT_IDENTITY_MISMATCH = _e(
    "A200", "证书持有人与当前账号不符：证书中的统一社会信用代码（或身份证号）与账号登记的不一致",
    "The certificate belongs to someone else: its USCC or ID number differs from the account's",
    "请插入本单位（本人）的CA锁再激活；如证书信息有误，请联系CA机构。",
    "Plug in your own unit's (or your own) key; if the certificate is wrong, contact the CA.",
    403)
IDENTITY_ALREADY_REGISTERED = _e(
    "A201", "该统一社会信用代码（或身份证号）已经注册过账号",
    "An account with this USCC or ID number already exists",
    "一个单位（或个人）只能注册一个账号，请用已注册的账号登录；忘记用户名或密码请致电 "
    f"{PASSWORD_HELP_PHONES[0]} 或 {PASSWORD_HELP_PHONES[1]}。",
    "One account per unit or person: log in with it; for a lost username or password call "
    f"{PASSWORD_HELP_PHONES[0]} or {PASSWORD_HELP_PHONES[1]}.", 409)
RECORD_ACTION_REFUSED = _e(
    "P202", "记录当前的状态不允许该操作", "The record's status does not allow this",
    "请查看记录状态：审核中的记录需等待审核结果。", "Check the record's status.", 409)
RECORD_RESUBMIT_CONFIRM = _e(
    "P203", "修改已审核通过的记录后需重新提交审核", "Changing an approved record sends it back to review",
    "确认要修改时请加 --resubmit 重试。", "Pass --resubmit to confirm the change.", 409)
DRAFT_EXISTS = _e(
    "F200", "当前账号已有该表单的草稿", "This account already has a draft of that form",
    "请先恢复并提交或放弃现有草稿，再认领旧草稿。",
    "Restore and submit, or discard, the current draft before assigning the old one.", 409)
DRAFT_IDENTITY_MISMATCH = _e(
    "F201", "草稿中的单位名称或统一社会信用代码（身份证号）与当前账号不一致",
    "The draft names another company or person than this account",
    "请核对后再恢复；确认无误可加 --accept-identity 后重试，或用 hy-client drafts discard 放弃该草稿。",
    "Check it first; pass --accept-identity to use it anyway, or discard the draft.", 409)

# --- drivers -------------------------------------------------------------------------------
CATALOGUE_SIGNATURE = _e(
    "D101", "驱动目录签名无效", "The driver catalogue signature is invalid",
    "目录可能被篡改，已拒绝使用。", "The catalogue may be tampered with and was refused.")
CATALOGUE_ROLLBACK = _e(
    "D102", "驱动目录版本比已有的旧", "The driver catalogue is older than the one we have",
    "已拒绝回退到旧目录。", "Rollback refused.")
CATALOGUE_EXPIRED = _e(
    "D103", "驱动目录已过期", "The driver catalogue is out of date",
    "过期的目录已停止使用。请联网后在“驱动”页点击“更新驱动目录”"
    "（或运行 hy-client drivers update）；无法联网时请安装最新版客户端。",
    "An expired catalogue is not used. Go online and update it (hy-client drivers update), "
    "or install the latest client.")
CATALOGUE_MALFORMED = _e(
    "D104", "驱动目录格式错误", "The driver catalogue is malformed", "", "")
DOWNLOAD_TOO_LARGE = _e(
    "D105", "下载文件超过目录所列大小", "The download is larger than listed",
    "已中止下载。", "The download was aborted.")
DOWNLOAD_HASH_MISMATCH = _e(
    "D106", "下载文件校验失败", "The downloaded file's SHA-256 does not match",
    "文件可能损坏或被篡改，已删除。", "The file was deleted.")
DOWNLOAD_FAILED = _e(
    "D107", "驱动下载失败", "The driver download failed", "请检查网络后重试。", "Try again.")
ARCHIVE_UNSAFE = _e(
    "D108", "驱动安装包包含不安全的路径", "The driver archive has unsafe paths",
    "已拒绝解压。", "Nothing was unpacked.")
INSTALL_NEEDS_ADMIN = _e(
    "D109", "安装驱动需要管理员权限", "Installing the driver needs administrator rights",
    "请在弹出的窗口中点\u201c是\u201d，或请管理员安装。", "Accept the elevation prompt or ask an admin.")
INSTALL_NO_MODULE = _e(
    "D262", "安装程序已结束，但没有找到该驱动的模块文件", "The installer finished but left none "
    "of the driver's module files", "请确认安装程序已完整运行（未被取消或被杀毒软件拦截）后重新检测；"
    "仍未找到请联系CA机构。" + _CALL, "Make sure the installer ran to the end, then check again. "
    + _CALL_EN)
DRIVER_IN_USE = _e(
    "D263", "驱动文件正在被使用，无法更新", "The driver's files are in use and cannot be replaced",
    "原驱动未被改动。请退出本程序（包括通知区域图标）和其他正在使用CA锁的程序（如浏览器、签章软件），"
    "再在命令提示符中运行 hy-client.exe drivers install 加驱动名称完成更新。" + _CALL,
    "The installed driver was left unchanged. Quit this program (tray icon included) and any "
    "other program using the key, then run hy-client.exe drivers install <driver>. " + _CALL_EN)
INSTALL_FAILED = _e(
    "D110", "驱动安装失败", "The driver installation failed", _CALL, _CALL_EN)
DRIVER_UNKNOWN = _e(
    "D111", "驱动目录中没有该驱动", "No such driver in the catalogue", "", "")
URL_NOT_ALLOWED = _e(
    "D112", "下载地址不安全（必须为 https）", "Download URL refused (https only)", "", "")

# --- config, credentials, diagnostics ------------------------------------------------------
CONFIG_INVALID = _e(
    "C101", "配置文件有误", "The configuration file is invalid",
    "可在诊断页面使用一键修复恢复默认配置（会保留备份）。",
    "Use repair to reset it (a backup is kept).")
KEYRING_UNAVAILABLE = _e(
    "C102", "系统凭据存储不可用，无法记住登录状态", "The OS keyring is unavailable",
    "本次登录不会被记住；下次启动需要重新登录。", "The session will not be remembered.")
SESSION_IN_FILE = _e(
    "C220", "系统凭据存储不可用，登录状态已保存在仅本用户可读的文件中",
    "No OS keyring: the session is kept in a file only this user can read")
PLATFORM_UNKNOWN = _e(
    "C103", "未知的平台配置", "Unknown platform profile", "", "")
CREDENTIAL_TOO_LARGE = _e(
    "C104", "登录凭据过长，系统凭据存储无法保存", "The credential is too large for the OS keyring",
    "本次登录不会被记住；下次启动需要重新登录。" + _CALL,
    "The session will not be remembered. " + _CALL_EN)
AUTOSTART_FAILED = _e(
    "C105", "无法设置开机自动启动", "Could not change start at login",
    "请检查当前用户是否有权限修改启动项；也可以手动启动本程序。",
    "Check the user's rights to change startup entries, or start the program by hand.")
DIAGNOSTIC_FAILED = _e(
    "G101", "检查项执行失败", "A check could not run", "", "")
INTERNAL = _e(
    "G199", "程序内部错误", "Internal error", _CALL, _CALL_EN, 500)

# --- certificate renewal (在线延期) ------------------------------------------------------------
RENEWAL_UNSAFE = _e(
    "U320", "现在延期会导致未开标的投标文件无法解密", "Renewing now would make open bids unreadable",
    "请在安全时段内办理延期（见证书页的延期建议）；确需现在延期，请明确选择保留旧密钥，"
    "旧密钥和旧证书将留在CA锁中直到这些项目开标。",
    "Renew inside the safe window; to renew now anyway, choose explicitly to keep the old key, "
    "which then stays on the key until those bids have opened.")
RENEWAL_KEYGEN_UNSUPPORTED = _e(
    "T321", "该CA锁驱动不能在锁内生成此类密钥", "This module cannot generate this kind of key",
    "本程序暂不能为国密SM2证书在线延期，或CA锁不支持在锁内生成密钥；请到CA机构办理延期。",
    "Online renewal cannot generate this key here (SM2, or no on-key generation); renew at the CA.")
RENEWAL_VERIFY_FAILED = _e(
    "T322", "新证书校验未通过，未启用新证书", "The new certificate did not verify; it is not in use",
    f"旧证书仍可正常使用。请重试延期；如仍失败，请致电技术支持 {SUPPORT_PHONE}。",
    "The old certificate still works. Retry; if it fails again, call technical support.")
RENEWAL_CSR_INVALID = _e(
    "A323", "证书请求（CSR）无效", "The certificate request is invalid",
    "请重新发起延期。", "Start the renewal again.")
RENEWAL_PENDING = _e(
    "P324", "延期申请正在审核中", "The renewal request is waiting for review",
    "审核通过后重新运行延期即可继续，已完成的步骤不会重做。",
    "Run the renewal again once approved; finished steps are not repeated.", 409)
RENEWAL_REJECTED = _e(
    "P325", "延期申请被退回", "The renewal request was rejected",
    "旧证书仍可使用；请按退回原因处理后重新申请，或联系CA机构。",
    "The old certificate still works; fix what the reviewer said and apply again.", 409)
RENEWAL_OTHER_TOKEN = _e(
    "U326", "有一次未完成的延期属于另一把CA锁", "An unfinished renewal belongs to another key",
    "请插入该CA锁继续延期，或放弃那次延期（hy-client renew --abandon）。",
    "Plug that key in to finish, or abandon it (hy-client renew --abandon).")
RENEWAL_KEY_LOST = _e(
    "T327", "CA锁中找不到本次延期生成的新密钥", "The new key of this renewal is not on the key",
    "本次延期无法继续；请放弃后重新延期（hy-client renew --abandon）。旧证书不受影响。",
    "This renewal cannot go on: abandon it and renew again. The old certificate is unaffected.")

# --- sandbox (the local stand-in platform) ---------------------------------------------------
SANDBOX_NOT_LOOPBACK = _e(
    "S101", "测试平台默认只监听本机地址", "The sandbox listens on loopback only",
    "如确需对外提供服务，请加 --public 参数。", "Add --public to listen on another address.")
SANDBOX_NOT_RUNNING = _e(
    "S102", "本机测试平台未运行", "The sandbox is not running",
    "请先运行 hy-client sandbox serve。", "Start it with `hy-client sandbox serve`.")
SANDBOX_DEVICE_MISSING = _e(
    "S103", "标证通模拟器尚未绑定", "The app simulator has no bound device",
    "请先运行 hy-client sandbox app bind。", "Run `hy-client sandbox app bind` first.")
SANDBOX_TOKEN_EXISTS = _e(
    "S105", "已有同名的演示CA锁", "A demo token with this label already exists",
    "请换一个 --label，或先删除旧的演示CA锁。", "Choose another --label or delete the old token.")
SANDBOX_SOFTHSM_MISSING = _e(
    "S106", "未安装SoftHSM2，无法创建演示CA锁", "SoftHSM2 is not installed",
    "Debian/Ubuntu：apt-get install softhsm2", "Install the softhsm2 package.")
SANDBOX_SM2_TOKEN_MISSING = _e(
    "S284", "未找到国密SM2测试CA锁模块", "The SM2 test token module is not built",
    "请先在源码目录运行 make sm2token，或用 --module 指定 libsm2token.so。",
    "Run `make sm2token` in the source tree, or give its path with --module.")
SANDBOX_NOT_INCLUDED = _e(
    "S104", "本安装包不包含本机测试平台", "This build does not include the sandbox",
    "测试平台仅用于开发和培训，请在开发环境中运行 hy-client sandbox。",
    "The sandbox is a development and training tool; run it from a development install.")


# --- security controls (sessions, limits, 标证通 proof, certificate profile, packages) -----
CERT_NOT_CLIENT_AUTH = _e(
    "A240", "该证书不能用于身份认证（扩展密钥用法不含客户端认证）",
    "The certificate is not for client authentication (extended key usage)",
    "请选择用于登录的签名证书；如不确定，请联系CA机构。",
    "Choose the certificate meant for logging in; ask the CA if unsure.", 401)
APP_PROOF_INVALID = _e(
    "A241", "标证通签名验证失败", "The app's signature does not verify",
    "请在手机上重新扫码。", "Scan the code again on the phone.", 401)
APP_WRONG_ACCOUNT = _e(
    "A242", "该手机绑定的是另一个账号", "This phone is bound to another account",
    "请用绑定了本账号的手机扫码。", "Scan with the phone bound to this account.", 403)
QR_NOT_CONFIRMED = _e(
    "A243", "请先在电脑上确认绑定该手机", "Confirm the phone on the computer first",
    "核对电脑上显示的手机名称后点击“确认绑定”。",
    "Check the phone's name on the computer and confirm.", 409)
UPLOAD_QUOTA = _e(
    "F244", "电子件总量已达上限", "The account's storage quota is used up",
    "请删除不再需要的电子件后再上传。", "Delete files you no longer need, then upload.", 413)
UPLOAD_BUSY = _e(
    "P245", "同时上传的文件过多", "Too many uploads at once",
    "请等待当前上传完成后再试。", "Wait for the current uploads to finish.", 429)
FILENAME_UNSAFE = _e(
    "F246", "文件名不合法", "The file name is not allowed",
    "请改用普通文件名（不能为 . 或 ..，不含 / \\ 或控制字符）后再上传。",
    "Rename the file (not . or .., no slashes or control characters).", 422)
CATALOGUE_REPLAYED = _e(
    "D248", "驱动目录与同版本的已有目录内容不同", "A different catalogue with the same version",
    "已拒绝使用，目录可能被篡改。" + _CALL, "Refused: it may be tampered with. " + _CALL_EN)


_CLASS_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def is_for_people(detail: str) -> bool:
    """Whether a detail may be shown to a bidder: Chinese text, or one name-like word (a key's
    label, a file name, a serial). English phrases, exception class names (``PinIncorrect``,
    ``keyring.backends.fail.Keyring``), ``HTTP 401`` and ``62914560 bytes`` are for support:
    logs and ``--verbose``."""
    text = detail.strip()
    if not text:
        return False
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return True
    if " " in text or "Error" in text or "Exception" in text:
        return False
    last = re.split(r"[.:]", text)[-1]
    if _DOTTED.fullmatch(text) and last[:1].isupper():
        return False  # a qualified class name
    return not _CLASS_NAME.fullmatch(last)


class HyError(Exception):
    """An error from the catalogue, optionally with data (e.g. tries left) and a safe detail.

    ``detail`` is for support (an exception class name, an HTTP status); it must never carry a
    PIN, password or session token.
    """

    def __init__(self, info: ErrorInfo, detail: str = "", **data: Any) -> None:
        self.info = info
        self.detail = detail
        self.data: Mapping[str, Any] = data
        super().__init__(self.full_text)

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def message(self) -> str:
        return self.info.zh

    def __str__(self) -> str:
        """What a bidder reads: the code, the Chinese message and only a detail written for
        people (one in Chinese); class names, HTTP statuses and byte counts stay in
        ``full_text`` for logs and ``--verbose``."""
        text = f"[{self.info.code}] {self.info.zh}"
        return f"{text}（{self.detail}）" if is_for_people(self.detail) else text

    @property
    def full_text(self) -> str:
        text = f"[{self.info.code}] {self.info.zh}"
        return f"{text}（{self.detail}）" if self.detail else text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.info.zh, "message_en": self.info.en,
                "advice": self.info.advice_zh, "detail": self.detail, **dict(self.data)}


class UserCancelled(HyError):
    """Shown silently: the user chose to stop."""

    def __init__(self) -> None:
        super().__init__(USER_CANCELLED)


@dataclass(frozen=True)
class FieldError:
    """One invalid form field: the field key and the Chinese reason (English when known)."""

    field: str
    message: str
    label: str = ""
    message_en: str = ""
    label_en: str = ""


class ValidationError(HyError):
    """Several field errors at once; ``errors`` drives the inline marks in forms."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        text = "；".join(f"{e.label or e.field}：{e.message}" for e in errors)
        HyError.__init__(self, VALIDATION_FAILED, text)


def lookup(code: str) -> ErrorInfo:
    """The catalogue entry for a code from the platform; unknown codes become API_BAD_RESPONSE."""
    return CATALOGUE.get(code, API_BAD_RESPONSE)
