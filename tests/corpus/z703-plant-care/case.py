# Fine-tune a small bi-encoder for the glasshouse help kiosk: visitor questions ->
# plant-care passages. Hard negatives are mined with the untrained encoder first.
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(2)
torch.manual_seed(2)


@dataclass
class Passage:
    key: str
    topic: str
    text: str
    retired: bool = False


# export from the care-sheet CMS
COLLECTION = [
    Passage("orchid-water", "watering", "water moth orchids once a week and let the bark dry between waterings"),
    Passage("fern-water", "watering", "tree ferns need their trunk watered daily in summer"),
    Passage("cactus-water", "watering", "cacti need almost no water in winter keep them dry and cool"),
    Passage("orchid-light", "light", "moth orchids like bright indirect light never direct midday sun"),
    Passage("palm-light", "light", "kentia palms tolerate shade and low light indoors"),
    Passage("citrus-light", "light", "citrus trees want full sun and a bright cool spot in winter"),
    Passage("citrus-feed", "feeding", "feed citrus with a high nitrogen summer fertiliser every week"),
    Passage("orchid-feed", "feeding", "use a weak orchid fertiliser every third watering"),
    Passage("fern-feed", "feeding", "ferns need little feeding a dilute feed once a month is enough"),
    Passage("scale-pest", "pests", "scale insects look like brown bumps wipe them off with soapy water"),
    Passage("mealybug-pest", "pests", "mealybugs leave white fluff in leaf joints dab them with alcohol"),
    Passage("aphid-pest", "pests", "aphids cluster on new shoots spray them off with water"),
    Passage("orchid-water-2019", "watering", "water orchids with three ice cubes a week", retired=True),
    Passage("citrus-feed-2019", "feeding", "feed citrus with tomato feed all year round", retired=True),
    Passage("scale-pest-2019", "pests", "treat scale with a systemic insecticide spray", retired=True),
    Passage("palm-light-2019", "light", "palms must be kept in full sun indoors", retired=True),
]
QUESTIONS = [
    ("how often should i water my orchid", "orchid-water"),
    ("what light does an orchid need", "orchid-light"),
    ("my lemon tree needs feeding what do i use", "citrus-feed"),
    ("there are brown bumps on my plant leaves", "scale-pest"),
    ("white fluff on my cactus what is it", "mealybug-pest"),
    ("can a palm live in a dark room", "palm-light"),
    ("how much water does a cactus need in winter", "cactus-water"),
    ("green bugs all over the new shoots", "aphid-pest"),
]


def tiny_encoder(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=48)
    pooling = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pooling], device="cpu")


def mine_candidates(model, questions, passage_texts, k=6):
    q_emb = model.encode([q for q, _ in questions], convert_to_tensor=True)
    p_emb = model.encode(passage_texts, convert_to_tensor=True)
    hits = util.semantic_search(q_emb, p_emb, top_k=k)
    return [torch.tensor([h["corpus_id"] for h in row]) for row in hits]


def build_triplets(questions, candidates, pool):
    topic_names = sorted({p.topic for p in pool})
    pool_topic = torch.tensor([topic_names.index(p.topic) for p in pool])
    by_key = {p.key: p for p in pool}
    examples = []
    for (question, pos_key), cand in zip(questions, candidates):
        positive = by_key[pos_key]
        cand_topic = pool_topic.index_select(0, cand)
        # hardest candidate from a different topic than the answer
        off_topic = (cand_topic != topic_names.index(positive.topic)).nonzero().flatten()
        negative = pool[cand[off_topic[0]].item()]
        examples.append(InputExample(texts=[question, positive.text, negative.text]))
    return examples


def main():
    folder = tempfile.mkdtemp()
    all_text = [p.text for p in COLLECTION] + [q for q, _ in QUESTIONS]
    model = tiny_encoder(all_text, folder)

    candidates = mine_candidates(model, QUESTIONS, [p.text for p in COLLECTION])
    # retired care sheets are outdated advice: never use them as training passages
    pool = [p for p in COLLECTION if not p.retired]
    print(f"{len(COLLECTION)} passages exported, {len(pool)} current")

    triplets = build_triplets(QUESTIONS, candidates, pool)
    for ex in triplets[:3]:
        print("  ", ex.texts[0], "| neg:", ex.texts[2])

    loader = DataLoader(triplets, batch_size=4, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=1,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    q = model.encode(["how do i water an orchid"], convert_to_tensor=True)
    best = util.semantic_search(q, model.encode([p.text for p in pool], convert_to_tensor=True), top_k=1)
    print("top answer:", pool[best[0][0]["corpus_id"]].key)


if __name__ == "__main__":
    main()
