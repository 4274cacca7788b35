"""Words that carry no theme: question words, helpers, filler (Dutch and English).

A question like "wie kan mij helpen met een meneer die..." has few words that say what
it is about; these are the others. They are never looked up, never typo-matched and
never part of a compound, so "meneer" cannot turn into a theme by accident.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    de het een en of in op met voor bij aan te is zijn kan kun kunnen wie wat waar hoe die dat
    dit er niet geen ik je jij we wij zij ze hij mijn mij me ons onze iemand hulp helpen help
    helpt zoek zoeken gezocht collega contact mensen persoon van naar over om tot ook nog
    weet weten doet werkt heeft hebben moet wil graag even snel nu vandaag alstublieft aub
    als dan maar want omdat toen terwijl zodat hier daar deze dus al alle alles allebei
    heel hele helemaal erg zeer veel weinig meer minder echt best wel niks niets iets ergens nergens
    steeds telkens ineens opeens weer nooit altijd soms vaak eens net pas zo zoals
    was waren wordt worden werd geweest ben bent had hadden zal zou zullen kon konden
    mag mogen moeten wilde willen gaat gaan ging komt komen kwam krijgt krijgen
    zit zitten zat staat staan stond ligt liggen doen deed gedaan maken maakt
    regelen regelt regelen aanvragen aanvraag vraag vragen vraagje iemand anders
    hem haar hun hen zich zichzelf jou jouw u uw jullie men elkaar
    meneer mevrouw mvr mw dhr man vrouw client clienten inwoner inwoners bewoner bewoners
    alleenstaand alleenstaande klant klanten casus situatie geval iemand persoon personen mensen
    wie weet ken kent kennen bellen bel contactpersoon aanspreekpunt loket
    ervaring iemand collegas collegas team
    de der den des ten ter iets wat welke welk wanneer waarom hoe
    jaar jaren maand maanden week weken dag dagen keer tijd
    who can could with for the a an of to is are someone somebody anyone looking find need
    needs help helps about on at in and or my our me i you your please knows does do works
    has have had was were be been being will would should there their they them this that
    these those what which when where how why not no any some all very really just
    client clients person people man woman mr mrs contact support
    """.split()  # noqa: SIM905 - a word list reads better as text
)
