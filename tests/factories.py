"""Factories shared by all tests. USCCs are generated valid (regulator.uscc.make)."""

import itertools

import factory

from regulator import uscc
from regulator.models import Enterprise, Role, User

_serial = itertools.count(10_000_000)


def new_uscc(division: str = "110105") -> str:
    return uscc.make(division=division, serial=next(_serial) * 13)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(new_uscc)
    name = factory.Sequence(lambda n: f"测试网络科技有限公司{n:04d}")
    legal_representative = "张三"
    registered_address = "北京市朝阳区建国路1号"
    province = factory.LazyAttribute(lambda o: o.uscc[2:4])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        # Shorthand for a provincial administration's staff: province="44".
        province = ""

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OFFICER
    authority_id = factory.LazyAttribute(
        lambda o: None if o.role == Role.ENTERPRISE else (o.province or "MIIT")
    )
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
