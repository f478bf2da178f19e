"""Gloss-level language model used to rescore beams from our continuous sign
language recognizer (pose keypoints -> gloss sequence).

Trains a tiny masked LM over gloss annotations of the weather-forecast clips so
the decoder can prefer plausible gloss orderings.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(7)
torch.manual_seed(7)

BASE_GLOSSES = [
    "MORGEN", "HEUTE", "REGEN", "SONNE", "WOLKE", "WIND", "NORD", "SUED",
    "OST", "WEST", "GRAD", "WARM", "KALT", "SCHNEE", "GEWITTER", "NACHT",
    "TAG", "MEHR", "WENIGER", "BISSCHEN", "AUCH", "DANN", "KOMMEN", "LAND",
    "KUESTE", "BERG", "FLUSS", "NEBEL", "FROST", "loc-REGION", "IX", "neg-REGEN",
]

# clip id -> gloss annotation, as exported from the annotation tool
ANNOTATIONS = {
    "01April_2010_Thursday_tagesschau-0001": "HEUTE NACHT REGEN NORD KUESTE",
    "01April_2010_Thursday_tagesschau-0002": "MORGEN SONNE SUED BISSCHEN WOLKE",
    "03June_2011_Friday_tagesschau-0107": "fs-BERLIN WARM GRAD MEHR",
    "03June_2011_Friday_tagesschau-0108": "DANN GEWITTER KOMMEN WEST",
    "05May_2010_Wednesday_tagesschau-0042": "NACHT FROST BERG IX SCHNEE",
    "05May_2010_Wednesday_tagesschau-0043": "fs-HAMBURG NEBEL FLUSS loc-REGION",
    "11August_2010_Wednesday_tagesschau-0005": "TAG WARM AUCH OST LAND",
    "11August_2010_Wednesday_tagesschau-0006": "MORGEN neg-REGEN SONNE fs-MUENCHEN",
    "14October_2009_Wednesday_tagesschau-0219": "WIND NORD KALT WENIGER GRAD",
    "14October_2009_Wednesday_tagesschau-0220": "HEUTE WOLKE REGEN DANN SONNE",
}


def write_gloss_vocab(folder):
    path = os.path.join(folder, "gloss_vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_GLOSSES:
            fh.write(tok + "\n")
    return path


def fingerspelled_names(annotations):
    names = set()
    for glosses in annotations.values():
        names.update(g for g in glosses.split() if g.startswith("fs-"))
    return sorted(names)


def mask_glosses(gloss_ids, special_mask, mask_id, prob=0.25):
    targets = gloss_ids.clone()
    probs = torch.full(gloss_ids.shape, prob)
    probs.masked_fill_(special_mask.bool(), 0.0)
    chosen = torch.bernoulli(probs).bool()
    # make sure every sentence has at least one masked gloss
    for row in range(gloss_ids.size(0)):
        if not chosen[row].any():
            candidates = (~special_mask[row].bool()).nonzero().flatten()
            chosen[row, candidates[0]] = True
    targets[~chosen] = -100
    corrupted = gloss_ids.clone()
    corrupted[chosen] = mask_id
    return corrupted, targets


def main():
    workdir = tempfile.mkdtemp(prefix="gloss_lm_")
    vocab_path = write_gloss_vocab(workdir)
    gloss_tok = BertTokenizer(vocab_path, do_lower_case=False)

    # proper names are fingerspelled; keep them whole instead of [UNK]
    new_names = fingerspelled_names(ANNOTATIONS)
    gloss_tok.add_tokens(new_names)
    print(f"gloss inventory: {len(BASE_GLOSSES)} base glosses, {len(new_names)} fingerspelled names")

    lm_config = BertConfig(
        vocab_size=gloss_tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        pad_token_id=gloss_tok.pad_token_id,
    )
    gloss_lm = BertForMaskedLM(lm_config)
    optim = torch.optim.AdamW(gloss_lm.parameters(), lr=3e-3)

    clip_ids = sorted(ANNOTATIONS)
    sentences = [ANNOTATIONS[c] for c in clip_ids]

    gloss_lm.train()
    for epoch in range(3):
        order = list(range(len(sentences)))
        random.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, len(order), 4):
            batch_text = [sentences[i] for i in order[start:start + 4]]
            enc = gloss_tok(batch_text, padding=True, return_tensors="pt",
                            return_special_tokens_mask=True)
            special = enc.pop("special_tokens_mask") | (enc["attention_mask"] == 0).long()
            corrupted, targets = mask_glosses(enc["input_ids"], special, gloss_tok.mask_token_id)
            out = gloss_lm(input_ids=corrupted, attention_mask=enc["attention_mask"], labels=targets)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            epoch_loss += out.loss.item()
        print(f"epoch {epoch}: mlm loss {epoch_loss:.3f}")

    # score two competing beams for one clip
    gloss_lm.eval()
    beams = ["MORGEN SONNE SUED BISSCHEN WOLKE", "MORGEN WOLKE SUED BISSCHEN SONNE"]
    with torch.no_grad():
        for beam in beams:
            enc = gloss_tok(beam, return_tensors="pt")
            logits = gloss_lm(**enc).logits
            logp = logits.log_softmax(-1).gather(-1, enc["input_ids"].unsqueeze(-1)).squeeze(-1)
            print(f"{beam!r}: pseudo log-likelihood {logp[0, 1:-1].sum().item():.2f}")


if __name__ == "__main__":
    main()
