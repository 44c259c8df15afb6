from fenlei.core.roles import Action
from fenlei.core.scoping import for_user
from fenlei.org.models import Area, Site


def test_world_scopes(world):
    names = lambda qs: sorted(o.name for o in qs)  # noqa: E731
    assert names(for_user(world.sam, Action.VIEW, Site)) == ["甲一小学", "甲一花园", "甲二小区", "甲二饭店"]
    assert names(for_user(world.ada, Action.VIEW, Site)) == ["乙一中学", "甲一小学"]
    assert names(for_user(world.mia, Action.VIEW, Site)) == ["甲一花园"]
    assert for_user(world.hal, Action.VIEW, Site).count() == 0
    assert for_user(world.nina, Action.VIEW, Site).count() == 0
    assert for_user(world.alice, Action.VIEW, Site).count() == 8
    assert names(for_user(world.sam, Action.VIEW, Area)) == ["甲一社区", "甲二社区", "甲街道"]
    assert for_user(world.leo, Action.CHANGE, Site).count() == 0
    assert for_user(world.cora, Action.CHANGE, Area).count() == 1
    assert for_user(world.cora, Action.CLOSE, Area).count() == 0
