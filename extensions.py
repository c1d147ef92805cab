"""Flask extensions created once and bound to the app in the factory."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from database import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
csrf = CSRFProtect()
babel = Babel()

__all__ = ["babel", "csrf", "db", "login_manager"]
