"""planning: planner runs, coordinators' pin and forbid rules, work orders' explanations

Revision ID: 0002_planning
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002_planning'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('planrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('strategy', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('territory', sa.JSON(), nullable=False),
    sa.Column('proposed_units', sa.Integer(), nullable=False),
    sa.Column('unplanned_units', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('unplanned', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('planningrule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('request_line_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.ForeignKeyConstraint(['request_line_id'], ['requestline.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planningrule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planningrule_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planningrule_request_line_id'), ['request_line_id'], unique=False)

    with op.batch_alter_table('workorder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_run_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('explanation', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('distance_km', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('ready_by', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workorder_plan_run_id'), ['plan_run_id'], unique=False)
        batch_op.create_foreign_key('fk_workorder_plan_run_id_planrun', 'planrun', ['plan_run_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('workorder', schema=None) as batch_op:
        batch_op.drop_constraint('fk_workorder_plan_run_id_planrun', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_workorder_plan_run_id'))
        batch_op.drop_column('ready_by')
        batch_op.drop_column('distance_km')
        batch_op.drop_column('explanation')
        batch_op.drop_column('plan_run_id')

    with op.batch_alter_table('planningrule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planningrule_request_line_id'))
        batch_op.drop_index(batch_op.f('ix_planningrule_place_id'))

    op.drop_table('planningrule')
    op.drop_table('planrun')
