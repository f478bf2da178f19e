"""Fine-tune a tiny BART to turn ingredient lists into recipe titles.

Teacher forcing is done by hand so that we can add a coverage penalty later.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import BartConfig, BartForConditionalGeneration, BertTokenizer

torch.manual_seed(7)

KITCHEN_WORDS = (
    "flour sugar butter egg eggs milk salt pepper garlic onion tomato basil olive oil "
    "chicken thighs lemon honey rice beans cumin chili lime coriander pasta parmesan "
    "cream mushrooms thyme potatoes rosemary beef carrots celery stock ginger soy "
    "sauce noodles sesame spring greens yogurt cucumber mint with and roast soup "
    "stew fried simple classic spicy creamy quick easy bowl salad cake pancakes "
    "risotto curry tacos"
).split()

RECIPES = [
    ("flour sugar butter eggs milk", "classic pancakes"),
    ("chicken thighs lemon garlic rosemary potatoes", "roast chicken with lemon and rosemary"),
    ("rice mushrooms stock parmesan butter onion", "creamy mushroom risotto"),
    ("beans cumin chili tomato onion lime", "spicy bean tacos"),
    ("noodles soy sauce sesame ginger spring onion", "quick sesame noodles"),
    ("cucumber yogurt mint garlic lime", "cucumber mint salad"),
    ("beef carrots celery stock thyme", "classic beef stew"),
    ("pasta tomato basil olive oil garlic", "simple tomato basil pasta"),
]


def build_tokenizer(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(KITCHEN_WORDS))
    vocab_path = os.path.join(workdir, "kitchen_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(vocab_path)


def make_batch(tok, pairs, max_src=16, max_title=10):
    ingredients = [p[0] for p in pairs]
    titles = [p[1] for p in pairs]
    src = tok(ingredients, padding=True, truncation=True, max_length=max_src,
              return_tensors="pt")
    tgt = tok(titles, padding=True, truncation=True, max_length=max_title,
              return_tensors="pt")
    title_targets = tgt["input_ids"].clone()
    title_targets[tgt["attention_mask"] == 0] = -100
    return src["input_ids"], src["attention_mask"], title_targets


def build_model(tok):
    cfg = BartConfig(
        vocab_size=tok.vocab_size,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=32,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
        decoder_start_token_id=tok.cls_token_id,
    )
    return BartForConditionalGeneration(cfg)


def teacher_forced_step(model, ingr_ids, ingr_mask, title_targets):
    # titles already start with [CLS] and end with [SEP]; shift by one position
    dec_in = title_targets[:, :-1].masked_fill(title_targets[:, :-1] == -100,
                                               model.config.pad_token_id)
    dec_gold = title_targets[:, 1:]
    out = model(input_ids=ingr_ids, attention_mask=ingr_mask,
                decoder_input_ids=dec_in)
    logits = out.logits
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)),
                           dec_gold.reshape(-1), ignore_index=-100)
    return loss


def main():
    workdir = tempfile.mkdtemp(prefix="recipes_")
    tok = build_tokenizer(workdir)
    model = build_model(tok)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    batch_size = 4
    for epoch in range(3):
        model.train()
        running = 0.0
        for start in range(0, len(RECIPES), batch_size):
            chunk = RECIPES[start:start + batch_size]
            ingr_ids, ingr_mask, title_targets = make_batch(tok, chunk)
            loss = teacher_forced_step(model, ingr_ids, ingr_mask, title_targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.3f}")

    model.eval()
    probe = tok(["chicken thighs lemon garlic rosemary potatoes"], return_tensors="pt",
                return_token_type_ids=False)
    with torch.no_grad():
        gen = model.generate(**probe, max_new_tokens=8, num_beams=2)
    print("title:", tok.decode(gen[0], skip_special_tokens=True))


if __name__ == "__main__":
    main()
