"""Answer farmers' questions with extension bulletins: a bi-encoder (sentence-transformers,
tiny BERT) shortlists bulletins, a keyword-overlap rerank picks the ones to send back."""
import logging
import os
import tempfile
from functools import partial, reduce
from itertools import chain

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.WARNING)
torch.manual_seed(5)

BULLETINS = [
    "controlling aphids on brassicas with neem spray",
    "drip irrigation scheduling for tomatoes in dry season",
    "recognising late blight on potato leaves",
    "storing maize grain to avoid weevils",
    "liming acidic soils before planting beans",
    "vaccinating poultry against newcastle disease",
    "managing fall armyworm in maize fields",
    "composting crop residues and manure",
    "pruning coffee trees after harvest",
    "treating foot rot in goats and sheep",
]
TRAIN_PAIRS = [
    ("small green insects on my cabbage leaves", 0),
    ("how often should i water tomatoes when it is dry", 1),
    ("dark patches on potato leaves after rain", 2),
    ("weevils in stored maize what to do", 3),
    ("beans grow poorly soil is acidic", 4),
    ("chickens dying suddenly twisted necks", 5),
    ("caterpillars eating maize leaves", 6),
    ("how to make compost from manure", 7),
]
QUESTIONS = ["my goats are limping with swollen feet", "when to prune coffee after picking"]
RUNTIME = {"answers_per_question": 3, "shortlist_depth": 5}


def compose(*fns):
    return reduce(lambda f, g: lambda *a: f(g(*a)), fns)


def build_encoder_dir(texts):
    root = tempfile.mkdtemp()
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    BertTokenizer(os.path.join(root, "vocab.txt")).save_pretrained(root)
    cfg = BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    return root


def load_bi_encoder(path):
    word = models.Transformer(path, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def top_k(scores, k):
    return torch.topk(scores, k, dim=-1)


def keyword_overlap(question, doc):
    q, d = set(question.split()), set(doc.split())
    return len(q & d) / len(q | d)


def make_pipeline(model, docs, shortlist_k, answer_k):
    doc_emb = model.encode(docs, convert_to_tensor=True)
    shortlist = partial(top_k, k=shortlist_k)
    pick = partial(top_k, k=answer_k)

    def embed(questions):
        return questions, util.cos_sim(model.encode(questions, convert_to_tensor=True), doc_emb)

    def first_stage(state):
        questions, sims = state
        found = shortlist(sims)
        return questions, found.indices, found.values

    def rerank(state):
        questions, cand, dense = state
        lexical = torch.tensor([[keyword_overlap(q, docs[j]) for j in row.tolist()]
                                for q, row in zip(questions, cand)])
        return cand, 0.7 * dense + 0.3 * lexical

    def second_stage(state):
        cand, blended = state
        best = pick(blended)
        return torch.gather(cand, 1, best.indices), best.values

    def to_text(state):
        ids, scores = state
        return [[(docs[j], round(s, 3)) for j, s in zip(r.tolist(), v.tolist())]
                for r, v in zip(ids, scores)]

    return compose(to_text, second_stage, rerank, first_stage, embed)


def main():
    model = load_bi_encoder(build_encoder_dir(BULLETINS + [q for q, _ in TRAIN_PAIRS] + QUESTIONS))
    examples = [InputExample(texts=[q, BULLETINS[i]]) for q, i in TRAIN_PAIRS]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(model))],
                  epochs=2, warmup_steps=0, optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    print(f"bi-encoder tuned on {len(examples)} pairs, pool of {len(BULLETINS)} bulletins")

    answer = make_pipeline(model, BULLETINS, RUNTIME["shortlist_depth"], RUNTIME["answers_per_question"])
    for question, hits in zip(QUESTIONS, answer(QUESTIONS)):
        print(f"\nQ: {question}")
        for doc, score in hits:
            print(f"   {score:6.3f}  {doc}")


if __name__ == "__main__":
    main()
