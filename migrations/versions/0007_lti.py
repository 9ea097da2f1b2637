"""lti: platforms, deployments, login states, accounts, contexts

The LTI 1.3 tool (lms/lti): registered platforms (one per issuer + client id) and their
deployment ids; OIDC login states (state and nonce, deleted by the launch that uses them);
platform users (platform + sub) linked to a trainer or a person; LMS courses (contexts)
linked to a cohort.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_platforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('auth_login_url', sa.String(length=500), nullable=False),
        sa.Column('token_url', sa.String(length=500), nullable=False),
        sa.Column('jwks_url', sa.String(length=500), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
        sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id')),
    )
    op.create_table(
        'lti_deployments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], ondelete='CASCADE',
                                name=op.f('fk_lti_deployments_platform_id_lti_platforms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_deployments')),
        sa.UniqueConstraint('platform_id', 'deployment_id',
                            name=op.f('uq_lti_deployments_platform_id_deployment_id')),
    )
    op.create_table(
        'lti_login_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=64), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], ondelete='CASCADE',
                                name=op.f('fk_lti_login_states_platform_id_lti_platforms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_login_states')),
        sa.UniqueConstraint('state', name=op.f('uq_lti_login_states_state')),
        sa.UniqueConstraint('nonce', name=op.f('uq_lti_login_states_nonce')),
    )
    op.create_index(op.f('ix_lti_login_states_expires_at'), 'lti_login_states', ['expires_at'])
    op.create_table(
        'lti_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('sub', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], ondelete='CASCADE',
                                name=op.f('fk_lti_accounts_platform_id_lti_platforms')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_lti_accounts_user_id_users')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='SET NULL',
                                name=op.f('fk_lti_accounts_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_accounts')),
        sa.UniqueConstraint('platform_id', 'sub', name=op.f('uq_lti_accounts_platform_id_sub')),
    )
    op.create_table(
        'lti_contexts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.String(length=255), nullable=False),
        sa.Column('context_id', sa.String(length=255), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('lineitems_url', sa.String(length=500), nullable=True),
        sa.Column('ags_scopes', sa.Text(), nullable=False),
        sa.Column('memberships_url', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], ondelete='CASCADE',
                                name=op.f('fk_lti_contexts_platform_id_lti_platforms')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], ondelete='SET NULL',
                                name=op.f('fk_lti_contexts_cohort_id_cohorts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_contexts')),
        sa.UniqueConstraint('platform_id', 'deployment_id', 'context_id',
                            name=op.f('uq_lti_contexts_platform_id_deployment_id_context_id')),
    )


def downgrade():
    op.drop_table('lti_contexts')
    op.drop_table('lti_accounts')
    op.drop_index(op.f('ix_lti_login_states_expires_at'), table_name='lti_login_states')
    op.drop_table('lti_login_states')
    op.drop_table('lti_deployments')
    op.drop_table('lti_platforms')
