from django.conf import settings


def publication(request):
    """Expose the publication's name and tagline to every template."""
    return {
        "publication_name": settings.DIGEST["PUBLICATION_NAME"],
        "publication_tagline": settings.DIGEST["PUBLICATION_TAGLINE"],
    }
