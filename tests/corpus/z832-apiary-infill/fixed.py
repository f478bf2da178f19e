"""Fill [MASK] slots in apiary inspection notes with a small MLM.

Sampling is top-p with a soft lexicon boost, so that inspectors get
suggestions in the vocabulary the association's forms actually use.
"""
import logging
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("apiary-infill")

torch.manual_seed(11)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """hive queen seen laying eggs larvae capped brood open frames super honey nectar pollen
varroa mites drone cells comb wax calm aggressive swarm cells queenless supersedure feeding syrup
fondant treated oxalic acid strong weak colony moved inspected no sign of chalkbrood wasps entrance
reduced added removed one two three four five six on in the with and was were some many few good poor""".split()

NOTES = [
    "hive three queen seen laying , [MASK] brood on five frames",
    "colony calm , capped honey in super , some [MASK] on drone brood",
    "no queen seen , eggs and [MASK] present , added one super",
    "swarm cells on two frames , [MASK] removed , entrance reduced",
    "weak colony , feeding [MASK] , treated with oxalic acid",
]

# terms the inspection form prefers; boost is in logit units
LEXICON = {"varroa": 1.5, "capped": 1.0, "larvae": 1.0, "fondant": 0.8, "syrup": 0.8, "chalkbrood": 0.5}


@dataclass
class SamplerConfig:
    top_p: float = 0.85
    temperature: float = 0.8
    max_candidates: int = 24
    lexicon_strength: float = 1.0


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIALS + [",", "."] + sorted(set(WORDS))) + "\n")
    return BertTokenizer(vocab_path)


def lexicon_bias(tokenizer, lexicon, strength):
    bias = torch.zeros(tokenizer.vocab_size)
    for word, boost in lexicon.items():
        bias[tokenizer.convert_tokens_to_ids(word)] = boost * strength
    return bias


class NucleusFiller:
    def __init__(self, model, tokenizer, cfg):
        self.model = model.eval()
        self.tok = tokenizer
        self.cfg = cfg
        self.bias = lexicon_bias(tokenizer, LEXICON, cfg.lexicon_strength)
        self.blocked = torch.tensor(tokenizer.all_special_ids)

    def _pick(self, row_logits, gen):
        row_logits = row_logits.clone()
        row_logits[self.blocked] = float("-inf")
        row_logits = row_logits / self.cfg.temperature

        ranked, order = torch.sort(row_logits, descending=True)
        ranked, order = ranked[: self.cfg.max_candidates], order[: self.cfg.max_candidates]
        p = ranked.softmax(-1)
        keep = (p.cumsum(-1) - p) < self.cfg.top_p

        nucleus = ranked[keep]
        nucleus_ids = order[keep]
        nucleus = nucleus + self.bias[nucleus_ids]

        choice = torch.multinomial(nucleus.softmax(-1), 1, generator=gen)
        return nucleus_ids[choice].item()

    @torch.no_grad()
    def fill(self, notes, seed=0):
        gen = torch.Generator().manual_seed(seed)
        enc = self.tok(notes, padding=True, return_tensors="pt")
        logits = self.model(**enc).logits
        filled = []
        for row, ids in enumerate(enc["input_ids"]):
            slots = (ids == self.tok.mask_token_id).nonzero(as_tuple=True)[0]
            ids = ids.clone()
            for pos in slots.tolist():
                ids[pos] = self._pick(logits[row, pos], gen)
            filled.append(self.tok.decode(ids, skip_special_tokens=True))
        return filled


def main():
    workdir = tempfile.mkdtemp(prefix="apiary_")
    tok = build_tokenizer(workdir)
    log.info("vocab size %d", tok.vocab_size)

    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertForMaskedLM(config)
    filler = NucleusFiller(model, tok, SamplerConfig())

    for note, out in zip(NOTES, filler.fill(NOTES, seed=3)):
        print(f"  {note}\n-> {out}")
    log.info("filled %d notes", len(NOTES))


if __name__ == "__main__":
    main()
