"""Multilingual product-listing translation: one tiny Marian model, target language chosen by a
leading tag token (<2de>, <2fr>, <2es>) on the source side, as in the OPUS multi-target models.
"""
import os
import random
import tempfile

import torch
from transformers import BertTokenizer, MarianConfig, MarianMTModel

random.seed(3)
torch.manual_seed(3)

LISTINGS = [
    ("waterproof hiking boots with steel toe", {"de": "wasserdichte wanderschuhe mit stahlkappe",
                                               "fr": "chaussures de randonnee impermeables",
                                               "es": "botas de senderismo impermeables"}),
    ("stainless steel water bottle", {"de": "trinkflasche aus edelstahl",
                                      "fr": "gourde en acier inoxydable",
                                      "es": "botella de acero inoxidable"}),
    ("wireless noise cancelling headphones", {"de": "kabellose kopfhorer mit gerauschunterdruckung",
                                              "fr": "casque sans fil a reduction de bruit",
                                              "es": "auriculares inalambricos con cancelacion"}),
    ("cotton bed sheets queen size", {"de": "baumwoll bettlaken queen size",
                                      "fr": "draps en coton grand lit",
                                      "es": "sabanas de algodon tamano queen"}),
]
TARGET_LANGS = ["de", "fr", "es"]


def write_shared_vocab(folder):
    words = set()
    for src, tgts in LISTINGS:
        words.update(src.split())
        for t in tgts.values():
            words.update(t.split())
    path = os.path.join(folder, "listing_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


shop_tok = BertTokenizer(write_shared_vocab(tempfile.mkdtemp(prefix="listings_")))
lang_tags = {lang: f"<2{lang}>" for lang in TARGET_LANGS}
shop_tok.add_special_tokens({"additional_special_tokens": list(lang_tags.values())})

mt_config = MarianConfig(
    vocab_size=shop_tok.vocab_size,
    decoder_vocab_size=shop_tok.vocab_size,
    d_model=32,
    encoder_layers=1,
    decoder_layers=1,
    encoder_attention_heads=2,
    decoder_attention_heads=2,
    encoder_ffn_dim=64,
    decoder_ffn_dim=64,
    max_position_embeddings=64,
    pad_token_id=shop_tok.pad_token_id,
    eos_token_id=shop_tok.sep_token_id,
    decoder_start_token_id=shop_tok.pad_token_id,
    share_encoder_decoder_embeddings=True,
)
translator = MarianMTModel(mt_config)

pairs = []
for src, tgts in LISTINGS:
    for lang in TARGET_LANGS:
        pairs.append((f"{lang_tags[lang]} {src}", tgts[lang]))
random.shuffle(pairs)


def make_batch(chunk):
    sources = [s for s, _ in chunk]
    targets = [t for _, t in chunk]
    enc = shop_tok(sources, padding=True, return_tensors="pt")
    dec = shop_tok(text_target=targets, padding=True, return_tensors="pt")
    target_ids = dec["input_ids"][:, 1:]
    target_ids = target_ids.masked_fill(target_ids == shop_tok.pad_token_id, -100)
    return enc["input_ids"], enc["attention_mask"], target_ids


optim = torch.optim.AdamW(translator.parameters(), lr=5e-4, weight_decay=0.01)
translator.train()
for epoch in range(3):
    epoch_loss = 0.0
    for i in range(0, len(pairs), 4):
        src_ids, src_mask, tgt_labels = make_batch(pairs[i:i + 4])
        loss = translator(input_ids=src_ids, attention_mask=src_mask, labels=tgt_labels).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
        epoch_loss += loss.item()
    print(f"epoch {epoch}: {epoch_loss:.3f}")

translator.eval()
query = shop_tok([f"{lang_tags['fr']} stainless steel water bottle"], return_tensors="pt")
with torch.no_grad():
    hyp = translator.generate(**{k: query[k] for k in ("input_ids", "attention_mask")},
                              max_new_tokens=8, num_beams=2)
print("fr:", shop_tok.decode(hyp[0], skip_special_tokens=True))
