<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <source>基本信息</source>
        <translation>Basic information</translation>
    </message>
    <message>
        <source>企业资质</source>
        <translation>Enterprise qualifications</translation>
    </message>
    <message>
        <source>职业人员</source>
        <translation>Professional personnel</translation>
    </message>
    <message>
        <source>证书</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <source>标证通绑定</source>
        <translation>Biaozhengtong app</translation>
    </message>
    <message>
        <source>驱动</source>
        <translation>Drivers</translation>
    </message>
    <message>
        <source>诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>退出登录</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <source>账号密码</source>
        <translation>Username and password</translation>
    </message>
    <message>
        <source>CA锁登录</source>
        <translation>USB key login</translation>
    </message>
    <message>
        <source>扫码登录</source>
        <translation>Scan login</translation>
    </message>
    <message>
        <source>衡阳市公共资源交易系统</source>
        <translation>Hengyang Public Resource Trading System</translation>
    </message>
    <message>
        <source>正在准备…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>记住用户名</source>
        <translation>Remember username</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>注册新账号</source>
        <translation>Register a new account</translation>
    </message>
    <message>
        <source>忘记密码？</source>
        <translation>Forgot password?</translation>
    </message>
    <message>
        <source>用户名和密码都不能为空</source>
        <translation>Enter both username and password</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
    <message>
        <source>忘记密码</source>
        <translation>Forgot password</translation>
    </message>
    <message>
        <source>选择证书</source>
        <translation>Choose a certificate</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>正在查找CA锁…</source>
        <translation>Looking for USB keys…</translation>
    </message>
    <message>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <source>找到 {n} 张可登录的证书</source>
        <translation>{n} certificate(s) found for login</translation>
    </message>
    <message>
        <source>请在密码键盘上输入PIN码…</source>
        <translation>Enter the PIN on the PIN pad…</translation>
    </message>
    <message>
        <source>正在用CA锁登录…</source>
        <translation>Logging in with the USB key…</translation>
    </message>
    <message>
        <source>请使用“标证通”手机APP扫描二维码</source>
        <translation>Scan the QR code with the Biaozhengtong app</translation>
    </message>
    <message>
        <source>已扫描，请在手机上确认登录</source>
        <translation>Scanned: confirm the login on your phone</translation>
    </message>
    <message>
        <source>已确认，正在登录…</source>
        <translation>Confirmed, logging in…</translation>
    </message>
    <message>
        <source>已在手机上拒绝登录</source>
        <translation>The login was denied on the phone</translation>
    </message>
    <message>
        <source>二维码已失效，正在刷新…</source>
        <translation>The QR code expired, refreshing…</translation>
    </message>
    <message>
        <source>刷新二维码</source>
        <translation>Refresh QR code</translation>
    </message>
    <message>
        <source>首次使用请先用账号密码登录，在“标证通绑定”中绑定手机。</source>
        <translation>First time? Log in with your username and password and bind your phone under “Biaozhengtong app”.</translation>
    </message>
    <message>
        <source>正在获取二维码…</source>
        <translation>Getting a QR code…</translation>
    </message>
    <message>
        <source>二维码已失效，请点击“刷新二维码”</source>
        <translation>The QR code expired: click “Refresh QR code”</translation>
    </message>
    <message>
        <source>登录 — 衡阳市公共资源交易系统 · 投标人客户端</source>
        <translation>Log in — Hengyang Public Resource Trading System · Bidder client</translation>
    </message>
    <message>
        <source>投标人客户端</source>
        <translation>Bidder client</translation>
    </message>
</context>
<context>
    <name>CertificatePanel</name>
    <message>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>即将到期</source>
        <translation>Expiring soon</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>尚未生效</source>
        <translation>Not yet valid</translation>
    </message>
    <message>
        <source>无法解析</source>
        <translation>Unreadable</translation>
    </message>
    <message>
        <source>（已过期 {n} 天）</source>
        <translation> (expired {n} days ago)</translation>
    </message>
    <message>
        <source>（剩余 {n} 天）</source>
        <translation> ({n} days left)</translation>
    </message>
    <message>
        <source>{start} 至 {end}</source>
        <translation>{start} to {end}</translation>
    </message>
    <message>
        <source>持有人</source>
        <translation>Holder</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>颁发者</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <source>有效期</source>
        <translation>Validity</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>密钥算法</source>
        <translation>Key algorithm</translation>
    </message>
    <message>
        <source>{uscc}（校验位错误）</source>
        <translation>{uscc} (wrong check character)</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <source>错误代码：{code}</source>
        <translation>Error code: {code}</translation>
    </message>
    <message>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请稍候</source>
        <translation>Please wait</translation>
    </message>
    <message>
        <source>（{detail}）</source>
        <translation>({detail})</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>PIN码已至少输错一次，请仔细核对后再输入。</source>
        <translation>The PIN was entered wrongly at least once: check it carefully before entering it.</translation>
    </message>
    <message>
        <source>注意：再输错一次，CA锁将被锁定！</source>
        <translation>Caution: one more wrong PIN locks the key!</translation>
    </message>
    <message>
        <source>该CA锁的PIN码已被锁定，无法登录。
{advice}
解锁后请使用新的PIN码登录。</source>
        <translation>The PIN of this key is locked; it cannot log in.
{advice}
After unlocking, log in with the new PIN.</translation>
    </message>
    <message>
        <source>请在读卡器（密码键盘）上输入PIN码，然后等待本窗口自动继续。</source>
        <translation>Enter the PIN on the reader's PIN pad, then wait: this window continues by itself.</translation>
    </message>
    <message>
        <source>该CA锁要求修改初始PIN码，登录后请在“证书”页修改。</source>
        <translation>This key asks for its initial PIN to be changed: after login, change it on the “Certificates” page.</translation>
    </message>
    <message>
        <source>输入PIN码</source>
        <translation>Enter PIN</translation>
    </message>
    <message>
        <source>请输入CA锁“{label}”的PIN码以{purpose}。</source>
        <translation>Enter the PIN of the key “{label}” to {purpose}.</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>log in</translation>
    </message>
    <message>
        <source>PIN码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>开始</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>最后一次机会</source>
        <translation>Last try</translation>
    </message>
    <message>
        <source>再输错一次，CA锁将被锁定，需要到CA机构解锁。
确定PIN码无误并继续吗？</source>
        <translation>One more wrong PIN locks the key and it must be unlocked at the CA office.
Are you sure the PIN is right, and continue?</translation>
    </message>
</context>
<context>
    <name>QrPanel</name>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>二维码 {n} 秒后失效</source>
        <translation>The QR code expires in {n} s</translation>
    </message>
    <message>
        <source>二维码已失效</source>
        <translation>The QR code has expired</translation>
    </message>
</context>
</TS>
