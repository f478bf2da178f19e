"""Pool-based active learning for veterinary adverse-event reports.

We embed every report once with a (small, randomly initialised) BERT encoder,
then run a few rounds of margin sampling: train a linear probe on what has been
labelled so far, score the still-unlabelled pool, send the least certain reports
to the annotators, and move them out of the pool.
"""
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

CATEGORIES = ["gastrointestinal", "dermatological", "neurological", "lack_of_efficacy"]

REPORTS = [
    ("dog vomited twice within an hour of the chewable tablet", 0),
    ("cat developed bloody diarrhoea on day three of treatment", 0),
    ("owner reports loss of appetite and drooling after dose", 0),
    ("puppy had soft stools for two days after the dewormer", 0),
    ("horse showed colic signs the evening after injection", 0),
    ("ferret stopped eating and vomited bile next morning", 0),
    ("hair loss at the application site on the neck", 1),
    ("red itchy rash spread across the belly after spot on", 1),
    ("cat scratched the treated area until it bled", 1),
    ("hives appeared on the muzzle shortly after the injection", 1),
    ("crusting lesions where the collar touched the skin", 1),
    ("swelling and scabs between the toes of the rear paws", 1),
    ("dog trembled and could not stand after the tablet", 2),
    ("seizure lasting two minutes four hours post dose", 2),
    ("cat appeared disoriented and walked in circles", 2),
    ("ataxia and dilated pupils reported by the clinic", 2),
    ("heifer was lethargic and head pressing after pour on", 2),
    ("tremors in the hind legs that resolved overnight", 2),
    ("fleas still present two weeks after the spot on", 3),
    ("ticks found attached despite monthly chewable", 3),
    ("worm segments seen in faeces after full course", 3),
    ("ear mites persisted after the labelled treatment", 3),
    ("no improvement in lameness after ten days of tablets", 3),
    ("heartworm test positive although owner never missed a dose", 3),
]

ROUNDS = 3
QUERY_SIZE = 4


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    folder = tempfile.mkdtemp()
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


@torch.no_grad()
def embed_reports(encoder, tokenizer, texts, chunk=8):
    vectors = []
    for start in range(0, len(texts), chunk):
        enc = tokenizer(texts[start:start + chunk], padding=True, return_tensors="pt")
        hidden = encoder(**enc).last_hidden_state
        weights = enc["attention_mask"].unsqueeze(-1).float()
        vectors.append((hidden * weights).sum(1) / weights.sum(1))
    return torch.cat(vectors)


def fit_probe(feats, targets, n_classes, epochs=60):
    probe = torch.nn.Linear(feats.size(1), n_classes)
    opt = torch.optim.Adam(probe.parameters(), lr=5e-2)
    for _ in range(epochs):
        opt.zero_grad()
        F.cross_entropy(probe(feats), targets).backward()
        opt.step()
    return probe


def margin_scores(probe, feats):
    with torch.no_grad():
        top2 = probe(feats).softmax(-1).topk(2, dim=-1).values
    return top2[:, 0] - top2[:, 1]


def select_batch(pool_emb, pool_ids, margins, k, max_sim=0.995):
    """Least-confident first, skipping near-copies of a report already chosen this round."""
    chosen_pos = []
    for pos in margins.argsort().tolist():
        if chosen_pos:
            sims = F.cosine_similarity(pool_emb[pos].unsqueeze(0), pool_emb[chosen_pos])
            if sims.max().item() > max_sim:
                continue
        chosen_pos.append(pos)
        if len(chosen_pos) == k:
            break
    return [pool_ids[p] for p in chosen_pos]


def main():
    texts = [t for t, _ in REPORTS]
    gold = torch.tensor([y for _, y in REPORTS])

    tokenizer = build_tokenizer(texts)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(config).eval()

    corpus_emb = embed_reports(encoder, tokenizer, texts)
    print(f"embedded {corpus_emb.size(0)} reports -> {tuple(corpus_emb.shape)}")

    # one seed report per category, picked by the safety officer
    labelled_ids = [1, 8, 15, 23]
    labelled_emb = corpus_emb[labelled_ids]
    pool_ids = [i for i in range(len(texts)) if i not in labelled_ids]
    pool_emb = corpus_emb[pool_ids]
    del corpus_emb  # only the pool is scored from here on

    for rnd in range(1, ROUNDS + 1):
        probe = fit_probe(labelled_emb, gold[labelled_ids], len(CATEGORIES))
        margins = margin_scores(probe, pool_emb)
        picked_ids = select_batch(pool_emb, pool_ids, margins, QUERY_SIZE)

        print(f"round {rnd}: labelled={len(labelled_ids)} pool={len(pool_ids)} querying {picked_ids}")
        for rid in picked_ids:
            print(f"   -> annotate: {texts[rid]!r} [{CATEGORIES[gold[rid]]}]")

        # move the annotated reports from the pool to the labelled set
        labelled_emb = torch.cat([labelled_emb, pool_emb[picked_ids]])
        labelled_ids.extend(picked_ids)
        keep = [p for p, rid in enumerate(pool_ids) if rid not in picked_ids]
        pool_ids = [pool_ids[p] for p in keep]
        pool_emb = pool_emb[keep]

    final = fit_probe(labelled_emb, gold[labelled_ids], len(CATEGORIES))
    preds = final(pool_emb).argmax(-1)
    acc = (preds == gold[pool_ids]).float().mean().item()
    print(f"probe trained on {len(labelled_ids)} reports, accuracy on remaining pool: {acc:.2f}")


if __name__ == "__main__":
    main()
