import re
import tempfile

import numpy as np
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.models.tokenizer import WhitespaceTokenizer

# question_a \t question_b \t relation (0 = different, 1 = related, 2 = duplicate)
FAQ_PAIRS_TSV = """\
how do i reset my card pin\thow can i change the pin of my card\t2
how do i reset my card pin\twhat is the daily withdrawal limit\t0
where can i see my iban\thow do i find my account number\t1
where can i see my iban\twhere is my iban shown in the app\t2
why was my transfer declined\tmy payment was rejected why\t2
why was my transfer declined\thow long does a transfer take\t1
how do i close my account\tcan i open a joint account\t1
how do i close my account\ti want to terminate my account\t2
is there a fee for foreign atm withdrawals\tdo you charge for cash abroad\t2
is there a fee for foreign atm withdrawals\thow do i order a new card\t0
can i freeze my card temporarily\thow do i block my card for a while\t2
can i freeze my card temporarily\twhat currencies do you support\t0
how do i update my address\twhere do i change my home address\t2
how do i update my address\thow do i change my phone number\t1
when will my salary arrive\twhy is my incoming payment pending\t1
when will my salary arrive\thow do i report a stolen phone\t0
"""


def load_pairs(tsv_text):
    examples = []
    for line in tsv_text.strip().splitlines():
        first, second, relation = line.split("\t")
        examples.append(InputExample(texts=[first, second], label=float(relation)))
    return examples


def build_vocab(examples):
    seen = set()
    for ex in examples:
        for text in ex.texts:
            seen.update(re.findall(r"[a-z]+", text.lower()))
    return sorted(seen)


train_examples = load_pairs(FAQ_PAIRS_TSV) * 4
vocab = build_vocab(train_examples)

dim = 48
rng = np.random.default_rng(3)
tokenizer = WhitespaceTokenizer(vocab=vocab, do_lower_case=True)
word_vectors = rng.normal(0, 0.1, size=(len(vocab), dim)).astype(np.float32)

word_emb = models.WordEmbeddings(tokenizer=tokenizer, embedding_weights=word_vectors, update_embeddings=True)
pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
encoder = SentenceTransformer(modules=[word_emb, pooling], device="cpu")

train_loader = DataLoader(train_examples, shuffle=True, batch_size=8)
relation_loss = losses.SoftmaxLoss(
    model=encoder,
    sentence_embedding_dimension=encoder.get_sentence_embedding_dimension(),
    num_labels=3,
)

encoder.old_fit(
    train_objectives=[(train_loader, relation_loss)],
    epochs=2,
    warmup_steps=2,
    optimizer_params={"lr": 1e-2},
    show_progress_bar=False,
    output_path=tempfile.mkdtemp(),
)
vecs = encoder.encode(["how do i reset my card pin", "how can i change the pin of my card"])
print("cosine", float(vecs[0] @ vecs[1] / (np.linalg.norm(vecs[0]) * np.linalg.norm(vecs[1]))))
