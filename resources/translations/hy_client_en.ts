<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>App</name>
        <message>
            <source>无法启动</source>
            <translation>Cannot start</translation>
        </message>
        <message>
            <source>衡阳市公共资源交易系统 投标人客户端</source>
            <translation>Hengyang Public Resource Trading System · Bidder client</translation>
        </message>
    </context>
    <context>
        <name>BidReminders</name>
        <message>
            <source>开标提醒</source>
            <translation>Bid opening reminder</translation>
        </message>
    </context>
    <context>
        <name>BidsPage</name>
        <message>
            <source>证书延期（{name}）：{advice}</source>
            <translation>Renewal ({name}): {advice}</translation>
        </message>
        <message>
            <source>项目</source>
            <translation>Project</translation>
        </message>
        <message>
            <source>投标截止</source>
            <translation>Bid deadline</translation>
        </message>
        <message>
            <source>开标时间</source>
            <translation>Opening</translation>
        </message>
        <message>
            <source>开标时需要的证书</source>
            <translation>Certificate needed at the opening</translation>
        </message>
        <message>
            <source>准备状态</source>
            <translation>Readiness</translation>
        </message>
        <message>
            <source>所有投标都已就绪。</source>
            <translation>All bids are ready.</translation>
        </message>
        <message>
            <source>有投标需要处理：请插入CA锁并运行自检。</source>
            <translation>Some bids need attention: plug in the USB key and run the self-test.</translation>
        </message>
        <message>
            <source>有投标在开标时可能无法解密：请立即按建议处理。</source>
            <translation>Some bids may not decrypt at the opening: follow the advice now.</translation>
        </message>
        <message>
            <source>投标准备</source>
            <translation>Bid readiness</translation>
        </message>
        <message>
            <source>投标文件在开标时要用加密它的那张证书解密。开标前请插入CA锁运行自检；开标前不要办理证书延期（延期会更换密钥）。</source>
            <translation>At the opening a bid file is decrypted with the certificate it was encrypted for. Before the opening, plug in the USB key and run the self-test; do not extend the certificate before the opening (an extension replaces the key).</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>正在读取投标和CA锁…</source>
            <translation>Reading the bids and USB keys…</translation>
        </message>
        <message>
            <source>选中一项投标，查看处理建议。</source>
            <translation>Select a bid to see the advice.</translation>
        </message>
        <message>
            <source>{message}（{code}）。{advice}</source>
            <translation>{message} ({code}). {advice}</translation>
        </message>
        <message>
            <source>自检</source>
            <translation>Self-test</translation>
        </message>
        <message>
            <source>用这张证书签名并解密一次，确认开标时能解密投标文件</source>
            <translation>Signs and decrypts once with this certificate, to make sure the bid files can be decrypted at the opening</translation>
        </message>
        <message>
            <source>没有尚未开标的投标。</source>
            <translation>No bids are waiting for their opening.</translation>
        </message>
        <message>
            <source>（未能读取CA锁）</source>
            <translation> (the USB keys could not be read)</translation>
        </message>
        <message>
            <source>共 {n} 个投标尚未开标。{summary}</source>
            <translation>{n} bid(s) not opened yet. {summary}</translation>
        </message>
        <message>
            <source>【{state}】{advice}</source>
            <translation>[{state}] {advice}</translation>
        </message>
        <message>
            <source>进行开标解密自检</source>
            <translation>run the opening decryption self-test</translation>
        </message>
        <message>
            <source>正在自检（签名并解密）…</source>
            <translation>Self-testing (signing and decrypting)…</translation>
        </message>
    </context>
    <context>
        <name>BindingPage</name>
        <message>
            <source>绑定“标证通”手机APP后，可在登录窗口使用“扫码登录”。点击“开始绑定”，用APP扫描下方二维码并在手机上确认。</source>
            <translation>Once the Biaozhengtong phone app is bound, you can use “QR code login” in the login window. Click “Start binding”, scan the QR code below with the app and confirm on your phone.</translation>
        </message>
        <message>
            <source>开始绑定</source>
            <translation>Start binding</translation>
        </message>
        <message>
            <source>解除绑定</source>
            <translation>Unbind</translation>
        </message>
        <message>
            <source>标证通绑定</source>
            <translation>Biaozhengtong app</translation>
        </message>
        <message>
            <source>已绑定的手机</source>
            <translation>Bound phones</translation>
        </message>
        <message>
            <source>{name}（绑定于 {when}）</source>
            <translation>{name} (bound {when})</translation>
        </message>
        <message>
            <source>手机</source>
            <translation>Phone</translation>
        </message>
        <message>
            <source>正在获取二维码…</source>
            <translation>Getting a QR code…</translation>
        </message>
        <message>
            <source>请用“标证通”APP扫描二维码</source>
            <translation>Scan the QR code with the Biaozhengtong app</translation>
        </message>
        <message>
            <source>请在电脑上确认绑定这部手机</source>
            <translation>Confirm this phone on the computer</translation>
        </message>
        <message>
            <source>确认绑定</source>
            <translation>Bind this phone</translation>
        </message>
        <message>
            <source>不是我的手机</source>
            <translation>Not my phone</translation>
        </message>
        <message>
            <source>手机「{name}」（指纹 {fingerprint}）请求绑定到账号「{account}」。请核对手机上显示的名称和指纹一致后再确认；不是您正在操作的手机请点“不是我的手机”。</source>
            <translation>The phone “{name}” (fingerprint {fingerprint}) asks to be bound to the account “{account}”. Check that your phone shows the same name and fingerprint before you confirm; if it is not the phone in your hand, click “Not my phone”.</translation>
        </message>
        <message>
            <source>绑定成功</source>
            <translation>Bound</translation>
        </message>
        <message>
            <source>已在手机上拒绝</source>
            <translation>Refused on the phone</translation>
        </message>
        <message>
            <source>二维码已失效，正在刷新…</source>
            <translation>The QR code expired, refreshing…</translation>
        </message>
        <message>
            <source>已停止绑定</source>
            <translation>Binding stopped</translation>
        </message>
        <message>
            <source>{message}（{code}）</source>
            <translation>{message} ({code})</translation>
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
        <name>CertificatesPage</name>
        <message>
            <source>证书延期</source>
            <translation>Renew certificate</translation>
        </message>
        <message>
            <source>在线延期：在CA锁内生成新密钥并换发证书，不影响未开标的投标</source>
            <translation>Online renewal: a new key is generated on the USB key and a new certificate issued, without harming open bids</translation>
        </message>
        <message>
            <source>进行证书延期</source>
            <translation>renew the certificate</translation>
        </message>
        <message>
            <source>投标人</source>
            <translation>Bidder</translation>
        </message>
        <message>
            <source>代理机构</source>
            <translation>Agency</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>远程证书激活</source>
            <translation>Activate certificate</translation>
        </message>
        <message>
            <source>用户类型</source>
            <translation>User type</translation>
        </message>
        <message>
            <source>检测我的CA锁</source>
            <translation>Test my key</translation>
        </message>
        <message>
            <source>签名并解密一次，确认开标时能解密投标文件</source>
            <translation>Signs and decrypts once, to make sure your bid files can be decrypted at the bid opening</translation>
        </message>
        <message>
            <source>修改PIN码</source>
            <translation>Change PIN</translation>
        </message>
        <message>
            <source>证书</source>
            <translation>Certificates</translation>
        </message>
        <message>
            <source>远程证书激活：把本证书绑定到当前账号，激活后可用CA锁登录。</source>
            <translation>Certificate activation binds this certificate to the current account; after that you can log in with the USB key.</translation>
        </message>
        <message>
            <source>已激活的证书</source>
            <translation>Activated certificates</translation>
        </message>
        <message>
            <source>{message}。{advice}</source>
            <translation>{message}. {advice}</translation>
        </message>
        <message>
            <source>{name}（{kind}，有效期至 {date}）</source>
            <translation>{name} ({kind}, valid until {date})</translation>
        </message>
        <message>
            <source>进行远程证书激活</source>
            <translation>to activate the certificate</translation>
        </message>
        <message>
            <source>正在激活证书…</source>
            <translation>Activating the certificate…</translation>
        </message>
        <message>
            <source>证书“{name}”已激活，今后可用CA锁登录。</source>
            <translation>Certificate “{name}” is activated: you can now log in with the USB key.</translation>
        </message>
        <message>
            <source>检测CA锁</source>
            <translation>to test the USB key</translation>
        </message>
        <message>
            <source>正在检测CA锁…</source>
            <translation>Testing the USB key…</translation>
        </message>
        <message>
            <source>检测通过：签名正常，解密正常（开标时可以解密投标文件）</source>
            <translation>Test passed: signing works, decryption works (your bid files can be decrypted at the opening)</translation>
        </message>
        <message>
            <source>检测通过：签名正常</source>
            <translation>Test passed: signing works</translation>
        </message>
        <message>
            <source>（{note}）</source>
            <translation> ({note})</translation>
        </message>
        <message>
            <source>{message}（{code}）：{advice}</source>
            <translation>{message} ({code}): {advice}</translation>
        </message>
        <message>
            <source>PIN码已修改，请牢记新PIN码。</source>
            <translation>The PIN is changed. Keep the new PIN safe.</translation>
        </message>
    </context>
    <context>
        <name>DiagnosticsPage</name>
        <message>
            <source>检查驱动、CA锁、证书、交易平台连接和本机设置。报告中不含PIN码、密码和完整证件号，可放心发给技术支持（{phone}）。</source>
            <translation>Checks the drivers, USB keys, certificates, the connection to the trading platform and this computer's settings. The report holds no PIN, password or full ID number, so it is safe to send to support ({phone}).</translation>
        </message>
        <message>
            <source>诊断</source>
            <translation>Diagnostics</translation>
        </message>
        <message>
            <source>开始检测</source>
            <translation>Run checks</translation>
        </message>
        <message>
            <source>停止</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>复制报告</source>
            <translation>Copy report</translation>
        </message>
        <message>
            <source>保存报告…</source>
            <translation>Save report…</translation>
        </message>
        <message>
            <source>一键修复</source>
            <translation>Repair</translation>
        </message>
        <message>
            <source>自检的CA锁</source>
            <translation>USB key to self-test</translation>
        </message>
        <message>
            <source>输入PIN码自检</source>
            <translation>Self-test with PIN</translation>
        </message>
        <message>
            <source>用PIN码登录一次，签名并解密，确认开标时能解密投标文件</source>
            <translation>Logs in once with the PIN, signs and decrypts, to make sure your bid files can be decrypted at the opening</translation>
        </message>
        <message>
            <source>CA锁自检</source>
            <translation>USB key self-test</translation>
        </message>
        <message>
            <source>尚未检测</source>
            <translation>Not checked yet</translation>
        </message>
        <message>
            <source>检查项</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>结果</source>
            <translation>Result</translation>
        </message>
        <message>
            <source>选中一项，查看详情和处理建议</source>
            <translation>Select an item to see its details and advice</translation>
        </message>
        <message>
            <source>正在检测…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>正在停止（当前这一项检查完成后停止）…</source>
            <translation>Stopping (after the current check)…</translation>
        </message>
        <message>
            <source>正在检测（{index}/{total}）：{title}</source>
            <translation>Checking ({index}/{total}): {title}</translation>
        </message>
        <message>
            <source>（已停止，结果不完整）</source>
            <translation> (stopped: the results are incomplete)</translation>
        </message>
        <message>
            <source>{message}（{code}）</source>
            <translation>{message} ({code})</translation>
        </message>
        <message>
            <source>{label}（{model}，序列号 {serial}）</source>
            <translation>{label} ({model}, serial {serial})</translation>
        </message>
        <message>
            <source>这把CA锁不在本程序中输入PIN码：请在“证书”页点击“检测我的CA锁”。</source>
            <translation>This USB key does not take its PIN in this program: use “Test my key” on the Certificates page.</translation>
        </message>
        <message>
            <source>进行CA锁自检</source>
            <translation>to self-test the USB key</translation>
        </message>
        <message>
            <source>。报告已复制，可粘贴到聊天窗口或邮件中。</source>
            <translation>. The report is copied: paste it into a chat or an e-mail.</translation>
        </message>
        <message>
            <source>hy-client-诊断报告-{when}.zip</source>
            <translation>hy-client-diagnostics-{when}.zip</translation>
        </message>
        <message>
            <source>保存诊断报告</source>
            <translation>Save the diagnostics report</translation>
        </message>
        <message>
            <source>诊断报告</source>
            <translation>Diagnostics report</translation>
        </message>
        <message>
            <source>报告已保存：{path}。请把这个文件发给技术支持（{phone}）。</source>
            <translation>Report saved: {path}. Send this file to support ({phone}).</translation>
        </message>
        <message>
            <source>撤销网页版浏览器设置</source>
            <translation>Undo web portal settings</translation>
        </message>
        <message>
            <source>恢复一键修复之前的受信任站点、ActiveX 和 Edge IE 模式设置</source>
            <translation>Restore the trusted-site, ActiveX and Edge IE mode settings as they were before Repair</translation>
        </message>
        <message>
            <source>已撤销网页版浏览器设置（{count} 项）</source>
            <translation>Web portal settings restored ({count} values)</translation>
        </message>
    </context>
    <context>
        <name>DriversPage</name>
        <message>
            <source>系统弹出“是否允许此应用更改设备”的窗口时，请点“是”；如果您没有管理员账号，请联系单位的电脑管理员安装，或致电技术支持 {phone}。</source>
            <translation>When Windows asks “Do you want to allow this app to make changes to your device?”, click “Yes”. Without an administrator account, ask your organisation's IT administrator to install it, or call support on {phone}.</translation>
        </message>
        <message>
            <source>安装此驱动需要管理员权限。{how}</source>
            <translation>Installing this driver needs administrator rights. {how}</translation>
        </message>
        <message>
            <source>设置中登记</source>
            <translation>registered in the settings</translation>
        </message>
        <message>
            <source>驱动目录</source>
            <translation>Driver catalogue</translation>
        </message>
        <message>
            <source>本程序安装</source>
            <translation>installed by this program</translation>
        </message>
        <message>
            <source>系统登记</source>
            <translation>registered in the system</translation>
        </message>
        <message>
            <source>系统目录</source>
            <translation>system folder</translation>
        </message>
        <message>
            <source>正常，识别到CA锁：{names}</source>
            <translation>Working, USB keys found: {names}</translation>
        </message>
        <message>
            <source>正常，未插入CA锁</source>
            <translation>Working, no USB key plugged in</translation>
        </message>
        <message>
            <source>；版本较旧，建议更新</source>
            <translation>; an older version, update it</translation>
        </message>
        <message>
            <source>文件存在</source>
            <translation>File present</translation>
        </message>
        <message>
            <source>不存在</source>
            <translation>Missing</translation>
        </message>
        <message>
            <source>驱动</source>
            <translation>Drivers</translation>
        </message>
        <message>
            <source>正在读取驱动目录…</source>
            <translation>Reading the driver catalogue…</translation>
        </message>
        <message>
            <source>更新驱动目录</source>
            <translation>Update catalogue</translation>
        </message>
        <message>
            <source>重新检测</source>
            <translation>Detect again</translation>
        </message>
        <message>
            <source>版本</source>
            <translation>Version</translation>
        </message>
        <message>
            <source>适用系统</source>
            <translation>Systems</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>安装</source>
            <translation>Install</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>驱动模块</source>
            <translation>Driver module</translation>
        </message>
        <message>
            <source>来源</source>
            <translation>Source</translation>
        </message>
        <message>
            <source>已插入的CA锁与推荐驱动</source>
            <translation>Plugged-in USB keys and recommended drivers</translation>
        </message>
        <message>
            <source>本机的驱动模块</source>
            <translation>Driver modules on this computer</translation>
        </message>
        <message>
            <source>{message}（{code}）。{advice}</source>
            <translation>{message} ({code}). {advice}</translation>
        </message>
        <message>
            <source>随程序附带</source>
            <translation>shipped with the program</translation>
        </message>
        <message>
            <source>已下载</source>
            <translation>downloaded</translation>
        </message>
        <message>
            <source>刚更新</source>
            <translation>just updated</translation>
        </message>
        <message>
            <source>驱动目录 版本 {version}（{source}，有效期至 {expires}），本机 {os}/{arch}</source>
            <translation>Driver catalogue version {version} ({source}, valid until {expires}); this computer {os}/{arch}</translation>
        </message>
        <message>
            <source>{message}（{code}）：{advice}</source>
            <translation>{message} ({code}): {advice}</translation>
        </message>
        <message>
            <source>多个驱动同时识别同一把CA锁，请卸载不再使用的驱动</source>
            <translation>Several drivers claim the same USB key: uninstall the ones no longer used</translation>
        </message>
        <message>
            <source>驱动版本较旧，请更新</source>
            <translation>An older driver version: update it</translation>
        </message>
        <message>
            <source>CA锁“{label}”（{model}）</source>
            <translation>USB key “{label}” ({model})</translation>
        </message>
        <message>
            <source>USB设备 </source>
            <translation>USB device </translation>
        </message>
        <message>
            <source>{name}：驱动目录中没有它的驱动，请咨询CA机构</source>
            <translation>{name}: the catalogue has no driver for it, ask your CA</translation>
        </message>
        <message>
            <source>已安装</source>
            <translation>Installed</translation>
        </message>
        <message>
            <source>未安装，请在下方安装</source>
            <translation>not installed, install it below</translation>
        </message>
        <message>
            <source>{name}：推荐驱动 {vendor} {version}（{state}）</source>
            <translation>{name}: recommended driver {vendor} {version} ({state})</translation>
        </message>
        <message>
            <source>未检测到CA锁。请插入CA锁后点击“重新检测”。</source>
            <translation>No USB key found. Plug one in and click “Detect again”.</translation>
        </message>
        <message>
            <source>已安装，版本较旧</source>
            <translation>Installed, an older version</translation>
        </message>
        <message>
            <source>不适用于本机</source>
            <translation>Not for this computer</translation>
        </message>
        <message>
            <source>未安装（可下载 {size} KB）</source>
            <translation>Not installed ({size} KB download)</translation>
        </message>
        <message>
            <source>未安装（请向CA机构索取安装程序）</source>
            <translation>Not installed (ask your CA for the installer)</translation>
        </message>
        <message>
            <source>、</source>
            <translation>, </translation>
        </message>
        <message>
            <source>全部</source>
            <translation>All</translation>
        </message>
        <message>
            <source>更新</source>
            <translation>Update</translation>
        </message>
        <message>
            <source>该驱动不提供下载，请使用CA机构提供的安装程序。</source>
            <translation>This driver is not offered for download: use the installer from your CA.</translation>
        </message>
        <message>
            <source>正在下载并校验 {name} {version}…</source>
            <translation>Downloading and verifying {name} {version}…</translation>
        </message>
        <message>
            <source>驱动 {driver} {version} 已安装并通过检测，识别到CA锁：{tokens}。</source>
            <translation>Driver {driver} {version} is installed and passed its check; USB keys found: {tokens}. </translation>
        </message>
        <message>
            <source>驱动 {driver} {version} 已安装并通过检测。</source>
            <translation>Driver {driver} {version} is installed and passed its check. </translation>
        </message>
        <message>
            <source>现在即可用它登录，无需重新启动本程序。</source>
            <translation>You can log in with it now, without restarting this program. </translation>
        </message>
        <message>
            <source>请重新启动计算机以完成安装。</source>
            <translation>Restart the computer to complete the installation.</translation>
        </message>
        <message>
            <source>已取消下载。已下载的部分会保留，下次安装时继续。</source>
            <translation>Download cancelled. What was downloaded is kept and the next install continues from it.</translation>
        </message>
        <message>
            <source>驱动目录已更新：版本 {version}，共 {count} 个驱动。</source>
            <translation>Driver catalogue updated: version {version}, {count} drivers.</translation>
        </message>
        <message>
            <source>驱动目录更新失败：{message}（{code}）。{advice}</source>
            <translation>The catalogue update failed: {message} ({code}). {advice}</translation>
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>运行环境</source>
            <translation>Environment</translation>
        </message>
        <message>
            <source>CA锁</source>
            <translation>USB key</translation>
        </message>
        <message>
            <source>驱动</source>
            <translation>Driver</translation>
        </message>
        <message>
            <source>证书</source>
            <translation>Certificate</translation>
        </message>
        <message>
            <source>登录</source>
            <translation>Login</translation>
        </message>
        <message>
            <source>检查交易平台能否连接、电脑时间是否准确、系统凭据存储是否可用。</source>
            <translation>Checks that the trading platform can be reached, the computer's clock is right and the system credential store works.</translation>
        </message>
        <message>
            <source>查找已插入的CA锁：即使还没有安装驱动，也能按USB设备识别它的厂商和型号。</source>
            <translation>Looks for plugged-in USB keys: even without a driver, a key's vendor and model are recognised from its USB device.</translation>
        </message>
        <message>
            <source>安装CA锁厂商的驱动：下载、校验后安装，并确认驱动能识别CA锁。</source>
            <translation>Installs the key vendor's driver: downloaded, verified, installed, and checked to recognise the key.</translation>
        </message>
        <message>
            <source>读取CA锁中的证书：持有人、单位、统一社会信用代码和有效期。</source>
            <translation>Reads the certificates on the key: holder, organisation, unified social credit code and validity.</translation>
        </message>
        <message>
            <source>用CA锁登录交易平台。证书尚未绑定账号时，可在这里完成远程证书激活。</source>
            <translation>Logs in to the trading platform with the USB key. A certificate not yet bound to an account can be activated here.</translation>
        </message>
        <message>
            <source>首次使用向导</source>
            <translation>First-run assistant</translation>
        </message>
        <message>
            <source>未检查</source>
            <translation>Not checked</translation>
        </message>
        <message>
            <source>稍后继续</source>
            <translation>Continue later</translation>
        </message>
        <message>
            <source>关闭向导；下次打开时从当前步骤继续</source>
            <translation>Closes the assistant; the next time it opens at the current step</translation>
        </message>
        <message>
            <source>上一步</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>下一步</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>一键修复</source>
            <translation>Repair</translation>
        </message>
        <message>
            <source>重新检测</source>
            <translation>Detect again</translation>
        </message>
        <message>
            <source>安装驱动</source>
            <translation>Install driver</translation>
        </message>
        <message>
            <source>选择证书</source>
            <translation>Choose a certificate</translation>
        </message>
        <message>
            <source>修改PIN码</source>
            <translation>Change PIN</translation>
        </message>
        <message>
            <source>用CA锁登录</source>
            <translation>Log in with the USB key</translation>
        </message>
        <message>
            <source>激活并登录</source>
            <translation>Activate and log in</translation>
        </message>
        <message>
            <source>证书尚未绑定账号：请用账号密码完成远程证书激活。</source>
            <translation>The certificate is not bound to an account yet: activate it with your username and password.</translation>
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
            <source>用户类型</source>
            <translation>User type</translation>
        </message>
        <message>
            <source>您的PIN码是初始PIN码或过于简单（如123456），他人容易猜中，建议现在修改。</source>
            <translation>Your PIN is the initial PIN or too simple (such as 123456) and easy to guess: change it now.</translation>
        </message>
        <message>
            <source>现在修改</source>
            <translation>Change now</translation>
        </message>
        <message>
            <source>以后再说，进入系统</source>
            <translation>Later: continue to the program</translation>
        </message>
        <message>
            <source>{message}（{code}）。</source>
            <translation>{message} ({code}).</translation>
        </message>
        <message>
            <source>正在检查运行环境…</source>
            <translation>Checking the environment…</translation>
        </message>
        <message>
            <source>正在查找CA锁…</source>
            <translation>Looking for USB keys…</translation>
        </message>
        <message>
            <source>正在检查驱动…</source>
            <translation>Checking the driver…</translation>
        </message>
        <message>
            <source>正在读取驱动目录…</source>
            <translation>Reading the driver catalogue…</translation>
        </message>
        <message>
            <source>推荐驱动：{vendor} {version}（约 {size} KB，来自交易平台的签名驱动目录，下载后校验无误才会安装）。</source>
            <translation>Recommended driver: {vendor} {version} (about {size} KB, from the trading platform's signed driver catalogue; it is installed only after the download is verified).</translation>
        </message>
        <message>
            <source>尚未安装驱动：请点击“安装驱动”。</source>
            <translation>No driver installed yet: click “Install driver”.</translation>
        </message>
        <message>
            <source>正在下载并校验 {vendor} {version}…</source>
            <translation>Downloading and verifying {vendor} {version}…</translation>
        </message>
        <message>
            <source>正在读取CA锁中的证书…</source>
            <translation>Reading the certificates on the USB key…</translation>
        </message>
        <message>
            <source>正在检查证书…</source>
            <translation>Checking the certificate…</translation>
        </message>
        <message>
            <source>{message}。</source>
            <translation>{message}.</translation>
        </message>
        <message>
            <source>PIN码已修改，请牢记新PIN码。</source>
            <translation>The PIN is changed. Keep the new PIN safe.</translation>
        </message>
        <message>
            <source>正在读取CA锁…</source>
            <translation>Reading the USB keys…</translation>
        </message>
        <message>
            <source>将使用CA锁“{label}”中的证书：{name}</source>
            <translation>The certificate on USB key “{label}” will be used: {name}</translation>
        </message>
        <message>
            <source>（{organization}）</source>
            <translation> ({organization})</translation>
        </message>
        <message>
            <source>请点击“用CA锁登录”，然后输入PIN码。</source>
            <translation>Click “Log in with the USB key”, then enter the PIN.</translation>
        </message>
        <message>
            <source>{message}。{advice}</source>
            <translation>{message}. {advice}</translation>
        </message>
        <message>
            <source>正在用CA锁登录…</source>
            <translation>Logging in with the USB key…</translation>
        </message>
        <message>
            <source>用户名和密码都不能为空</source>
            <translation>Enter both username and password</translation>
        </message>
        <message>
            <source>正在激活证书并登录…</source>
            <translation>Activating the certificate and logging in…</translation>
        </message>
        <message>
            <source>未找到可用于登录的CA锁。是否打开首次使用向导，检测CA锁、安装驱动？</source>
            <translation>No USB key usable for login was found. Open the first-run assistant to detect the key and install its driver?</translation>
        </message>
    </context>
    <context>
        <name>FormWidget</name>
        <message>
            <source>注意：该草稿中的{fields}与当前账号的不一致（草稿：{theirs}；账号：{mine}），可能是其他单位的草稿。
{question}</source>
            <translation>Note: this draft's {fields} differ from this account's (draft: {theirs}; account: {mine}); it may be another company's draft.
{question}</translation>
        </message>
        <message>
            <source>带 * 的为必填项</source>
            <translation>Fields marked * are required</translation>
        </message>
        <message>
            <source>请选择</source>
            <translation>Choose…</translation>
        </message>
        <message>
            <source>恢复未保存的修改</source>
            <translation>Restore unsaved changes</translation>
        </message>
        <message>
            <source>发现 {when} 自动保存、尚未提交的“{form}”修改。
是否恢复？</source>
            <translation>Changes to “{form}” were saved automatically at {when} and not submitted.
Restore them?</translation>
        </message>
    </context>
    <context>
        <name>Help</name>
        <message>
            <source>CA锁中的证书目前都无需延期。</source>
            <translation>The certificates on your USB keys need no extension for now.</translation>
        </message>
        <message>
            <source>您的证书</source>
            <translation>Your certificates</translation>
        </message>
        <message>
            <source>其他事项</source>
            <translation>Other matters</translation>
        </message>
        <message>
            <source>单位名称变更</source>
            <translation>Changing the organisation's name</translation>
        </message>
        <message>
            <source>CA锁（数字证书）延期</source>
            <translation>Extending the USB key's certificate</translation>
        </message>
        <message>
            <source>忘记密码</source>
            <translation>Forgotten password</translation>
        </message>
        <message>
            <source>联系电话</source>
            <translation>Phone numbers</translation>
        </message>
        <message>
            <source>写邮件（单位名称变更）</source>
            <translation>Write the e-mail (name change)</translation>
        </message>
        <message>
            <source>写邮件</source>
            <translation>Write e-mail</translation>
        </message>
        <message>
            <source>未找到邮件程序。请将材料发送至 {email}，邮件主题“{subject}”。</source>
            <translation>No mail program found. Send the documents to {email} with the subject “{subject}”.</translation>
        </message>
        <message>
            <source>发送电子邮件至 &lt;b&gt;{email}&lt;/b&gt;（邮件主题“{subject}”），附上：</source>
            <translation>Send an e-mail to &lt;b&gt;{email}&lt;/b&gt; (the button below fills in the subject) with:</translation>
        </message>
        <message>
            <source>插入CA锁后，这里会结合您未开标的项目给出延期建议。</source>
            <translation>With your USB key plugged in, advice that takes your unopened bids into account appears here.</translation>
        </message>
        <message>
            <source>建设工程交易科</source>
            <translation>Construction projects section</translation>
        </message>
        <message>
            <source>政府采购科</source>
            <translation>Government procurement section</translation>
        </message>
        <message>
            <source>技术支持</source>
            <translation>Technical support</translation>
        </message>
        <message>
            <source>&lt;p&gt;账号密码在湖南省统一注册平台管理。忘记密码时：&lt;/p&gt;&lt;ol&gt;&lt;li&gt;在统一注册平台登录页点“忘记密码”，按提示用注册手机号或邮箱找回；&lt;/li&gt;&lt;li&gt;如已绑定标证通，也可以用“扫码登录”登录后在平台修改密码。&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;找回密码咨询电话：&lt;b&gt;{phone1}&lt;/b&gt;、&lt;b&gt;{phone2}&lt;/b&gt;&lt;/p&gt;</source>
            <translation>&lt;p&gt;Accounts and passwords are managed by the Hunan unified registration platform. If you forgot your password:&lt;/p&gt;&lt;ol&gt;&lt;li&gt;on the unified registration platform's login page click “Forgot password” and recover it with your registered mobile number or e-mail;&lt;/li&gt;&lt;li&gt;if the Biaozhengtong app is bound, you can also log in with “QR code login” and change the password on the platform.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Password help lines: &lt;b&gt;{phone1}&lt;/b&gt;, &lt;b&gt;{phone2}&lt;/b&gt;&lt;/p&gt;</translation>
        </message>
        <message>
            <source>
&lt;h2&gt;其他事项&lt;/h2&gt;
&lt;h3&gt;单位名称变更&lt;/h3&gt;
&lt;p&gt;单位名称变更后，请将变更材料（新营业执照、变更核准通知书等）通过电子邮件发送至交易中心，
由中心工作人员处理。&lt;b&gt;正在参与投标的项目期间请勿办理名称变更&lt;/b&gt;，以免投标文件与单位信息不一致。&lt;/p&gt;
&lt;h3&gt;CA锁（数字证书）延期&lt;/h3&gt;
&lt;p&gt;证书到期前请&lt;b&gt;提前&lt;/b&gt;到CA机构办理延期。&lt;b&gt;投标期间（投标截止前至开标结束）不要办理延期&lt;/b&gt;：
延期会更换证书密钥，开标时将无法解密用旧证书加密的投标文件。&lt;/p&gt;
&lt;p&gt;本客户端会在证书需要处理时在窗口顶部提示，并结合您未开标的项目给出建议。&lt;/p&gt;
&lt;h3&gt;忘记密码&lt;/h3&gt;
{forgot}
&lt;h3&gt;联系电话&lt;/h3&gt;
&lt;table cellpadding="4"&gt;{phones}&lt;/table&gt;
</source>
            <translation>
&lt;h2&gt;Other matters&lt;/h2&gt;
&lt;h3&gt;Change of organisation name&lt;/h3&gt;
&lt;p&gt;After a change of name, e-mail the documents (the new business licence, the approval notice of the change, etc.) to the trading centre, whose staff will handle it. &lt;b&gt;Do not change the name while you take part in a tender&lt;/b&gt;, or your bid files and your organisation's details will disagree.&lt;/p&gt;
&lt;h3&gt;Extending a USB key (digital certificate)&lt;/h3&gt;
&lt;p&gt;Extend the certificate at your CA &lt;b&gt;early&lt;/b&gt;, before it expires. &lt;b&gt;Never extend it during a tender (from before the bid deadline until the opening is over)&lt;/b&gt;: an extension replaces the certificate's key, and bid files encrypted for the old certificate can then not be decrypted at the opening.&lt;/p&gt;
&lt;p&gt;This client shows a notice at the top of the window when a certificate needs action, with advice that takes your unopened tenders into account.&lt;/p&gt;
&lt;h3&gt;Forgotten password&lt;/h3&gt;
{forgot}
&lt;h3&gt;Telephone numbers&lt;/h3&gt;
&lt;table cellpadding="4"&gt;{phones}&lt;/table&gt;
</translation>
        </message>
        <message>
            <source>关于本软件</source>
            <translation>About this software</translation>
        </message>
        <message>
            <source>&lt;h3&gt;{title}&lt;/h3&gt;&lt;p&gt;版本 {version}&lt;/p&gt;&lt;p&gt;CA锁登录、基本信息、企业资质、职业人员与证书管理，替代浏览器控件。&lt;/p&gt;&lt;p&gt;技术支持：{phone}&lt;/p&gt;</source>
            <translation>&lt;h3&gt;{title}&lt;/h3&gt;&lt;p&gt;Version {version}&lt;/p&gt;&lt;p&gt;USB key login, basic information, enterprise qualifications, professional personnel and certificate management, replacing the browser plug-in.&lt;/p&gt;&lt;p&gt;Technical support: {phone}&lt;/p&gt;</translation>
        </message>
        <message>
            <source>关于</source>
            <translation>About</translation>
        </message>
    </context>
    <context>
        <name>Jobs</name>
        <message>
            <source>错误代码：{code}</source>
            <translation>Error code: {code}</translation>
        </message>
        <message>
            <source>{field}：{reason}</source>
            <translation>{field}: {reason}</translation>
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
        <name>LoginWindow</name>
        <message>
            <source>下载驱动</source>
            <translation>Download the driver</translation>
        </message>
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
            <source>已扫描：将登录账号「{account}」，请在手机上确认</source>
            <translation>Scanned: this logs in as “{account}” — confirm on your phone</translation>
        </message>
        <message>
            <source>要登录的用户名</source>
            <translation>Username to log in as</translation>
        </message>
        <message>
            <source>请填写要登录的用户名，然后点击“刷新二维码”</source>
            <translation>Enter the username to log in as, then click “Refresh code”</translation>
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
            <source>无法登录？检测环境</source>
            <translation>Cannot log in? Check this computer</translation>
        </message>
        <message>
            <source>诊断：检查驱动、CA锁、证书和网络，并生成报告</source>
            <translation>Diagnostics: checks the drivers, USB keys, certificates and network, and makes a report</translation>
        </message>
        <message>
            <source>设置</source>
            <translation>Settings</translation>
        </message>
        <message>
            <source>投标人客户端</source>
            <translation>Bidder client</translation>
        </message>
    </context>
    <context>
        <name>KeyNotice</name>
        <message>
            <source>仍可查看和修改基本信息、职业人员</source>
            <translation>you can still view and edit the profile and professional personnel</translation>
        </message>
        <message>
            <source>仍可查看和修改基本信息、企业资质、职业人员</source>
            <translation>you can still view and edit the profile, qualifications and professional personnel</translation>
        </message>
        <message>
            <source>CA锁{labels}已拔出。当前登录仍然有效，{still}；CA锁登录、证书激活、修改PIN码和投标解密自检需要重新插入CA锁。</source>
            <translation>USB key {labels} removed. You are still signed in and {still}; key login, certificate activation, PIN change and the bid decryption self-test need the key plugged back in.</translation>
        </message>
        <message>
            <source>CA锁已拔出</source>
            <translation>USB key removed</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>CA锁“{label}”已插入</source>
            <translation>USB key “{label}” plugged in</translation>
        </message>
        <message>
            <source>旧版本留下的草稿…</source>
            <translation>Drafts from an earlier version…</translation>
        </message>
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
            <source>投标准备</source>
            <translation>Bid readiness</translation>
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
            <source>当前账号：{name}（{username}）</source>
            <translation>Account: {name} ({username})</translation>
        </message>
        <message>
            <source>账号</source>
            <translation>Account</translation>
        </message>
        <message>
            <source>设置…</source>
            <translation>Settings…</translation>
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
        <name>PinChangeDialog</name>
        <message>
            <source>修改PIN码</source>
            <translation>Change PIN</translation>
        </message>
        <message>
            <source>原PIN码</source>
            <translation>Current PIN</translation>
        </message>
        <message>
            <source>新PIN码</source>
            <translation>New PIN</translation>
        </message>
        <message>
            <source>再次输入新PIN码</source>
            <translation>New PIN again</translation>
        </message>
        <message>
            <source>CA锁“{label}”</source>
            <translation>USB key “{label}”</translation>
        </message>
        <message>
            <source>新PIN码至少6位，不要使用 123456、连续或重复的数字。</source>
            <translation>The new PIN has at least 6 digits; avoid 123456, sequences and repeated digits.</translation>
        </message>
        <message>
            <source>两次输入的新PIN码不一致</source>
            <translation>The two new PINs differ</translation>
        </message>
        <message>
            <source>{message}：{advice}</source>
            <translation>{message}: {advice}</translation>
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
    <context>
        <name>Records</name>
        <message>
            <source>打开</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Remove</translation>
        </message>
        <message>
            <source>修改</source>
            <translation>Change</translation>
        </message>
        <message>
            <source>修改后需重新提交审核</source>
            <translation>After a change the record must be submitted for review again</translation>
        </message>
        <message>
            <source>已审核通过：如需修改，请先点“修改”（{note}）</source>
            <translation>Approved: choose Change to modify it ({note})</translation>
        </message>
        <message>
            <source>修改已审核通过的记录</source>
            <translation>Change an approved record</translation>
        </message>
        <message>
            <source>修改后需重新提交审核：保存修改或增删电子件后，平台上的这条记录将变为草稿，重新审核通过前以审核结果为准。是否修改？</source>
            <translation>After a change the record must be submitted for review again: once a change or a document is saved, the platform's record becomes a draft until it is approved again. Change it?</translation>
        </message>
        <message>
            <source>正在下载电子件…</source>
            <translation>Downloading the document…</translation>
        </message>
        <message>
            <source>删除电子件</source>
            <translation>Remove document</translation>
        </message>
        <message>
            <source>删除电子件“{name}”？</source>
            <translation>Remove the document “{name}”?</translation>
        </message>
        <message>
            <source>正在删除电子件…</source>
            <translation>Removing the document…</translation>
        </message>
        <message>
            <source>{name}（{size}）</source>
            <translation>{name} ({size})</translation>
        </message>
        <message>
            <source>已过期</source>
            <translation>expired</translation>
        </message>
        <message>
            <source>{days}天后到期</source>
            <translation>expires in {days} days</translation>
        </message>
        <message>
            <source>草稿（未提交）</source>
            <translation>Draft (not submitted)</translation>
        </message>
        <message>
            <source>已提交，等待审核</source>
            <translation>Submitted, awaiting review</translation>
        </message>
        <message>
            <source>审核通过</source>
            <translation>Approved</translation>
        </message>
        <message>
            <source>已退回</source>
            <translation>Returned</translation>
        </message>
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
            <source>正在读取…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>添加电子件…</source>
            <translation>Add a document…</translation>
        </message>
        <message>
            <source>保存草稿</source>
            <translation>Save draft</translation>
        </message>
        <message>
            <source>提交审核</source>
            <translation>Submit for review</translation>
        </message>
        <message>
            <source>状态：</source>
            <translation>Status:</translation>
        </message>
        <message>
            <source>电子件（PDF、JPG、PNG，单个不超过20MB）</source>
            <translation>Documents (PDF, JPG, PNG, up to 20 MB each)</translation>
        </message>
        <message>
            <source>读取失败</source>
            <translation>Could not load</translation>
        </message>
        <message>
            <source>退回原因：{reason}</source>
            <translation>Reason for return: {reason}</translation>
        </message>
        <message>
            <source>{name}（{size} MB）</source>
            <translation>{name} ({size} MB)</translation>
        </message>
        <message>
            <source>正在保存…</source>
            <translation>Saving…</translation>
        </message>
        <message>
            <source>正在提交审核…</source>
            <translation>Submitting for review…</translation>
        </message>
        <message>
            <source>选择电子件</source>
            <translation>Choose a document</translation>
        </message>
        <message>
            <source>电子件</source>
            <translation>Documents</translation>
        </message>
        <message>
            <source>正在上传电子件…</source>
            <translation>Uploading the document…</translation>
        </message>
        <message>
            <source>投标人提交后即审核通过；代理机构需市场主体科审核。</source>
            <translation>A bidder's submission is approved at once; an agency's is reviewed by the market entities section.</translation>
        </message>
        <message>
            <source>编辑{kind}</source>
            <translation>Edit: {kind}</translation>
        </message>
        <message>
            <source>新增{kind}</source>
            <translation>Add: {kind}</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>查看/编辑</source>
            <translation>View/edit</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
    </context>
    <context>
        <name>RegistrationDialog</name>
        <message>
            <source>注册新账号</source>
            <translation>Register a new account</translation>
        </message>
        <message>
            <source>单位</source>
            <translation>Organisation</translation>
        </message>
        <message>
            <source>自然人（个人）</source>
            <translation>Natural person (individual)</translation>
        </message>
        <message>
            <source>注册</source>
            <translation>Register</translation>
        </message>
        <message>
            <source>正在注册…</source>
            <translation>Registering…</translation>
        </message>
        <message>
            <source>注册成功</source>
            <translation>Registered</translation>
        </message>
        <message>
            <source>账号“{username}”已注册，请登录。</source>
            <translation>Account “{username}” is registered: please log in.</translation>
        </message>
    </context>
    <context>
        <name>RenewalBanner</name>
        <message>
            <source>证书延期</source>
            <translation>Renew certificate</translation>
        </message>
        <message>
            <source>证书延期提醒</source>
            <translation>Certificate extension reminder</translation>
        </message>
        <message>
            <source>证书即将到期</source>
            <translation>Certificate expires soon</translation>
        </message>
        <message>
            <source>证书需要立即处理</source>
            <translation>Certificate needs action now</translation>
        </message>
        <message>
            <source>查看证书</source>
            <translation>View certificates</translation>
        </message>
        <message>
            <source>（{name}）</source>
            <translation> ({name})</translation>
        </message>
    </context>
    <context>
        <name>RepairDialog</name>
        <message>
            <source>先检测，再列出本程序能自动修复的问题和每项修复会做什么；无法自动修复的问题给出处理建议。技术支持电话：{phone}。</source>
            <translation>Checks first, then lists the problems this program can repair and what each repair will do; problems it cannot repair come with advice. Technical support: {phone}.</translation>
        </message>
        <message>
            <source>可自动修复</source>
            <translation>Can be repaired</translation>
        </message>
        <message>
            <source>需要您处理</source>
            <translation>Needs your action</translation>
        </message>
        <message>
            <source>一键修复</source>
            <translation>Repair</translation>
        </message>
        <message>
            <source>正在检测…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>问题</source>
            <translation>Problem</translation>
        </message>
        <message>
            <source>处理</source>
            <translation>Action</translation>
        </message>
        <message>
            <source>结果</source>
            <translation>Result</translation>
        </message>
        <message>
            <source>选中一项，查看完整说明。</source>
            <translation>Select an item to see the full text.</translation>
        </message>
        <message>
            <source>开始修复</source>
            <translation>Start repair</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>{problem}：{action}（{result}）</source>
            <translation>{problem}: {action} ({result})</translation>
        </message>
        <message>
            <source>未发现需要修复的问题。</source>
            <translation>No problems to repair were found.</translation>
        </message>
        <message>
            <source>可自动修复 {automatic} 项，另有 {manual} 项需要您处理。点击“开始修复”。</source>
            <translation>{automatic} problem(s) can be repaired, {manual} more need your action. Click “Start repair”.</translation>
        </message>
        <message>
            <source>没有可自动修复的问题；请按建议处理，或致电技术支持 {phone}。</source>
            <translation>Nothing can be repaired automatically: follow the advice, or call technical support on {phone}.</translation>
        </message>
        <message>
            <source>正在修复…</source>
            <translation>Repairing…</translation>
        </message>
        <message>
            <source>正在修复（{index}/{total}）：{title}</source>
            <translation>Repairing ({index}/{total}): {title}</translation>
        </message>
        <message>
            <source>已修复</source>
            <translation>Repaired</translation>
        </message>
        <message>
            <source>未修复</source>
            <translation>Not repaired</translation>
        </message>
        <message>
            <source>已修复 {n} 项。</source>
            <translation>{n} problem(s) repaired.</translation>
        </message>
        <message>
            <source>其余问题请按建议处理。</source>
            <translation> Follow the advice for the others.</translation>
        </message>
        <message>
            <source>部分问题未能修复，请按提示处理，或致电技术支持 {phone}。</source>
            <translation>Some problems could not be repaired: follow the advice, or call technical support on {phone}.</translation>
        </message>
        <message>
            <source>{message}（{code}）。{advice}</source>
            <translation>{message} ({code}). {advice}</translation>
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <source>打开</source>
            <translation>Open</translation>
        </message>
        <message>
            <source>退出</source>
            <translation>Quit</translation>
        </message>
    </context>
    <context>
        <name>RenewalDialog</name>
        <message>
            <source>证书延期</source>
            <translation>Renew certificate</translation>
        </message>
        <message>
            <source>正在检查在投项目…</source>
            <translation>Checking your open bids…</translation>
        </message>
        <message>
            <source>延期会在CA锁内生成新密钥。旧密钥和旧证书不会被删除：已用旧证书加密的投标文件开标时仍用旧密钥解密。</source>
            <translation>Renewal generates a new key inside the USB key. The old key and certificate are not deleted: bids encrypted with the old certificate are still decrypted with the old key at their opening.</translation>
        </message>
        <message>
            <source>我已了解风险，仍然现在延期（旧密钥和旧证书保留在CA锁中，直到这些项目开标）</source>
            <translation>I understand the risk: renew now anyway (the old key and certificate stay on the USB key until these bids have opened)</translation>
        </message>
        <message>
            <source>开始延期</source>
            <translation>Start renewal</translation>
        </message>
        <message>
            <source>放弃未完成的延期</source>
            <translation>Abandon the unfinished renewal</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>已放弃未完成的延期；旧证书不受影响。</source>
            <translation>The unfinished renewal was abandoned; the old certificate is unaffected.</translation>
        </message>
        <message>
            <source>以下投标文件用当前密钥加密，现在延期将导致开标时无法解密：</source>
            <translation>These bids are encrypted to the current key and could not be decrypted at their opening if you renewed now:</translation>
        </message>
        <message>
            <source>继续延期</source>
            <translation>Continue renewal</translation>
        </message>
        <message>
            <source>延期完成（用时 {seconds:.1f} 秒）：新证书有效期至 {date}，平台已改用新证书登录。</source>
            <translation>Renewal complete ({seconds:.1f} s): the new certificate is valid until {date}, and the platform now logs you in with it.</translation>
        </message>
        <message>
            <source>证书“{name}”（CA锁“{label}”，有效期至 {date}）</source>
            <translation>Certificate “{name}” (USB key “{label}”, valid until {date})</translation>
        </message>
        <message>
            <source>现在不能延期：{advice}</source>
            <translation>Do not renew now: {advice}</translation>
        </message>
        <message>
            <source>无法检查在投项目：{message}（{code}）</source>
            <translation>Could not check your open bids: {message} ({code})</translation>
        </message>
        <message>
            <source>旧密钥和旧证书保留在CA锁中，供 {n} 个未开标项目开标解密，请勿删除。</source>
            <translation>The old key and certificate stay on the USB key to decrypt {n} bid(s) not yet opened: do not delete them.</translation>
        </message>
        <message>
            <source>{message}。{advice}</source>
            <translation>{message}. {advice}</translation>
        </message>
        <message>
            <source>{message}（{code}）。旧证书仍可正常使用；{advice}</source>
            <translation>{message} ({code}). The old certificate still works; {advice}</translation>
        </message>
        <message>
            <source>上次的延期没有完成（已完成到：{step}）。继续延期将从中断处接着做，不会重复申请；也可以放弃（只删除上次生成的新密钥）。</source>
            <translation>The last renewal did not finish (done up to: {step}). Continuing picks up where it stopped without applying twice; or abandon it (only the new key it made is removed).</translation>
        </message>
        <message>
            <source>开标</source>
            <translation>opening</translation>
        </message>
        <message>
            <source>可以延期：{advice}</source>
            <translation>You can renew now: {advice}</translation>
        </message>
    </context>
    <context>
        <name>QuarantineDialog</name>
        <message>
            <source>（未注明单位）</source>
            <translation>(company not stated)</translation>
        </message>
        <message>
            <source>{form} · {company} · {when} 保存</source>
            <translation>{form} · {company} · saved {when}</translation>
        </message>
        <message>
            <source>旧版本留下的草稿</source>
            <translation>Drafts from an earlier version</translation>
        </message>
        <message>
            <source>以下草稿由旧版本保存，未记录属于哪个账号，因此不会自动恢复。请确认属于当前账号（{name}）后再认领，否则请放弃。</source>
            <translation>These drafts were saved by an earlier version without noting their account, so they are never restored by themselves. Assign one only if it belongs to this account ({name}); otherwise discard it.</translation>
        </message>
        <message>
            <source>认领到当前账号</source>
            <translation>Assign to this account</translation>
        </message>
        <message>
            <source>放弃</source>
            <translation>Discard</translation>
        </message>
        <message>
            <source>放弃草稿</source>
            <translation>Discard draft</translation>
        </message>
        <message>
            <source>放弃“{what}”？放弃后无法恢复。</source>
            <translation>Discard “{what}”? It cannot be recovered.</translation>
        </message>
    </context>
</TS>
