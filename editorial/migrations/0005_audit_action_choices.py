# The audit action is one of editorial.models.AuditAction (choices only: no schema change).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('editorial', '0004_accounts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('item.submit', '提交审校'), ('item.resubmit', '修改后重新提交'), ('item.request_changes', '要求修改'), ('item.approve', '批准'), ('item.return_to_draft', '退回草稿'), ('item.edit', '修改已批准的条目,重新送审'), ('item.correct', '勘误'), ('item.assign_review', '指派审校'), ('comment.create', '发表审校意见'), ('comment.reply', '回复审校意见'), ('comment.resolve', '解决审校意见'), ('comment.reopen', '重新打开审校意见'), ('issue.arrange', '调整条目顺序'), ('issue.place_item', '把条目排进这一期'), ('issue.unplace_item', '把条目移出这一期'), ('issue.schedule', '排期'), ('issue.publish', '发布'), ('issue.publish_due', '到时自动发布'), ('issue.withdraw', '撤回'), ('account.invite', '发出邀请'), ('account.join', '接受邀请加入'), ('account.deactivate', '停用账号'), ('account.reactivate', '恢复账号'), ('account.roles_change', '更改角色')], max_length=64, verbose_name='action'),
        ),
    ]
