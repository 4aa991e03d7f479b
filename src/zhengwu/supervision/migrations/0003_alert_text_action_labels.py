"""Alerts raised before actions were named in Chinese say 执行了「decide」操作 or 「claim_step」记为…: rewrite the code
in their text to the action's name. The stored text is what supervisors read, print and quote in orders; the rule's
facts (`data`, with the code) are left as they are. The table is frozen here as it was when the texts were written."""

from django.db import migrations

ACTION_LABELS = {
    "save_draft": "保存草稿",
    "submit": "提交申请(收件)",
    "upload_material": "上传材料",
    "request_supplement": "一次性告知补正",
    "supply_supplement": "补齐材料",
    "accept": "受理",
    "deem_accept": "逾期视为受理",
    "refuse": "不予受理",
    "claim_step": "认领环节",
    "assign_step": "分派环节",
    "complete_step": "完成环节",
    "return_step": "退回环节",
    "attach": "上传附件",
    "charge_fee": "登记收费",
    "suspend": "中止(特别程序)",
    "resume": "恢复办理",
    "request_extension": "申请延期",
    "approve_extension": "批准延期",
    "reject_extension": "不批准延期",
    "withdraw": "撤回申请",
    "terminate": "终止办理",
    "decide": "作出决定",
    "deliver": "送达",
    "complete": "办结",
}


def _relabel(text: str) -> str:
    for code, label in ACTION_LABELS.items():
        text = text.replace(f"「{code}」", f"「{label}」")
    return text


def forwards(apps, schema_editor):
    Alert = apps.get_model("supervision", "Alert")
    for alert in Alert.objects.filter(explanation__contains="「").only("pk", "explanation").iterator():
        text = _relabel(alert.explanation)
        if text != alert.explanation:
            Alert.objects.filter(pk=alert.pk).update(explanation=text)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_append_only_steps")]

    # Backwards does nothing: the Chinese text reads right under either schema.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
