"""safenet: the link between the police's wanted-vehicle system and smart-city CCTV centers."""

__version__ = "0.1.0"
