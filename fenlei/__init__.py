"""fenlei — household waste sorting work for a district."""

__version__ = "0.1.0"
