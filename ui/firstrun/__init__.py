"""The first-run assistant (首次使用向导): 运行环境 → CA锁 → 驱动 → 证书 → 登录.

Every check and its sentence are the core's (``hy_client.firstrun.FirstRun``); each step is one
class behind the small ``WizardStep`` interface (``base``), and the wizard (``wizard``) only moves
between them. Each step runs its check on a worker, shows what it found in one sentence (on its
page and in the step list on the left) and offers what the step's actions name: 一键修复, the
driver install with progress, the PIN change, remote activation. The state is the core's file,
so 稍后继续 closes the dialog and the next opening resumes at the same step.

``offer_first_run`` is what the application calls once the core is ready: the assistant opens
at the first start and is offered whenever no key with a usable certificate is found.
"""

from .base import INTRO, STEP_NAMES, LoginOutcome, WizardStep, load_catalogue, step_title
from .wizard import FirstRunWizard, offer_first_run

__all__ = ["INTRO", "STEP_NAMES", "FirstRunWizard", "LoginOutcome", "WizardStep",
           "load_catalogue", "offer_first_run", "step_title"]
